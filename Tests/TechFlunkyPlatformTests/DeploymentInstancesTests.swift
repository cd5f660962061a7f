import Foundation
import Logging
import Synchronization
import TechFlunkyCore
import TechFlunkyHTTP
import XCTest

@testable import TechFlunkyPlatform

/// Several platform instances on one PostgreSQL database, each with its own deployment service (orchestrator, hub,
/// lease scan, event relay) as `PlatformServices` wires it: a watcher on one instance follows a run on another, and
/// when the instance running a deployment dies another interrupts it once its lease lapses and finishes it on retry.
final class DeploymentInstancesTests: XCTestCase {
    let token = "cf-test-token-0123456789abcdefSECRET"
    let orderId = "ord_7f3a9c21e4"

    var credentials: CloudflareCredentials { CloudflareCredentials(accountId: "0123456789abcdef0123456789abcdef", apiToken: CloudflareAPIToken(token)) }

    struct Instances {
        let postgres: PostgresDatabase
        let services: [DeploymentService]
        let background: [Task<Void, Never>]
        let orders: DeploymentTestOrders
        let directory: URL

        func stop() async {
            for task in background { task.cancel() }
            for task in background { await task.value }
            for service in services { await service.orchestrator.abandonRuns() }
            await postgres.close()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// `count` instances on one fresh database, talking to Cloudflare through `transport`, each running its lease scan
    /// and relay; returns once every relay listens.
    func startInstances(_ count: Int, transport: any HTTPTransport, leaseSeconds: Double) async throws -> Instances {
        try XCTSkipIf(PostgresTestServer.isOptedOut, "\(PostgresTestServer.optOutVariable) is set")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("deploy-instances-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var logger = Logger(label: "test.deploy.instances")
        logger.logLevel = .error
        let postgres = try await PostgresTestServer.freshDatabase(logger: logger)
        let orders = DeploymentTestOrders()
        let bundle = directory.appendingPathComponent("bundle")
        try DeploymentTestBundle.write(to: bundle)
        await orders.add(DeployableOrder(id: orderId, buyerId: "acct_buyer", listingSlug: "shop", state: .paid, bundleDirectory: bundle))
        var configuration = try PlatformTestHarness().configuration
        configuration.cloudflareAPIBase = "https://api.cloudflare.test/client/v4"
        configuration.httpTransport = transport
        configuration.deploymentLeaseDuration = leaseSeconds
        // Smoke checks go to the workers.dev host itself, which the fake answers (the sandbox would map them to its own base).
        configuration.sandboxMode = false
        var services: [DeploymentService] = []
        var background: [Task<Void, Never>] = []
        for _ in 0..<count {
            let service = DeploymentService.make(configuration: configuration, store: PostgresDeploymentStore(database: postgres), orders: orders,
                                                 metrics: PlatformMetrics(), logger: logger)
            services.append(service)
            background.append(Task { await service.runBackgroundWork() })
        }
        for service in services { await service.waitUntilRelaying() }
        return Instances(postgres: postgres, services: services, background: background, orders: orders, directory: directory)
    }

    /// Every event a hub publishes for one deployment, in the order it published them.
    final class HubTap: Sendable {
        let seqs = Mutex<[Int]>([])
        static func on(_ hub: DeploymentEventHub, _ id: String) async -> HubTap {
            let tap = HubTap()
            _ = await hub.subscribe(deploymentId: id) { delivery in tap.seqs.withLock { $0.append(delivery.event.seq) } }
            return tap
        }
    }

    func testAWatcherOnAnotherInstanceSeesEveryEventOfTheRunInOrderOnce() async throws {
        let cf = CloudflareFakeAccount(token: token)
        let gate = GatedTransport(inner: cf, blockPathContaining: "/workers/scripts/tf-7f3a9c21-api")
        let instances = try await startInstances(2, transport: gate, leaseSeconds: 15)
        let a = instances.services[0], b = instances.services[1]
        do {
            let started = try await a.orchestrator.start(DeployRequest(orderId: orderId, cloudflare: credentials, domain: nil), buyerId: "acct_buyer")
            let blocked = await gate.waitUntilBlocked()
            XCTAssertTrue(blocked, "the run never reached the gated request")
            // B watches while A's run waits in step 5: what follows reaches B only through PostgreSQL's notices.
            let tap = await HubTap.on(b.hub, started.id)
            let stream = b.events.frames(deploymentId: started.id, after: 0)
            gate.open()
            let seen = try await withDeadline(60) { await DeploymentEventStreamTests.collect(stream) }
            await a.orchestrator.waitUntilIdle(started.id)
            let done = try await a.orchestrator.deployment(id: started.id, buyerId: "acct_buyer")
            XCTAssertEqual(done.state, .succeeded, done.lastMessage ?? "")
            XCTAssertTrue(seen.ended, "the stream ends after the final event")
            XCTAssertEqual(seen.events.map(\.seq), Array(1...done.lastEventId), "every event once, in order")
            let relayed = tap.seqs.withLock { $0 }
            XCTAssertFalse(relayed.isEmpty, "B's hub heard A's run")
            XCTAssertEqual(relayed, Array((relayed.first ?? 1)...done.lastEventId), "relayed in order, once each, to the end")
            XCTAssertLessThan(relayed.first ?? .max, done.lastEventId - 5, "the run's later steps came live, not only the end")
            // A's own hub published its run's events once each too (its relay hears them as well).
            let local = await HubTap.on(a.hub, started.id)
            _ = try await a.orchestrator.rollback(deploymentId: started.id, buyerId: "acct_buyer", credentials: credentials)
            await a.orchestrator.waitUntilIdle(started.id)
            let rolledBack = try await a.orchestrator.deployment(id: started.id, buyerId: "acct_buyer")
            XCTAssertEqual(rolledBack.state, .rolledBack)
            let watched = try await withDeadline(30) {
                await DeploymentEventStreamTests.collect(b.events.frames(deploymentId: started.id, after: done.lastEventId))
            }
            XCTAssertEqual(watched.events.map(\.seq), Array((done.lastEventId + 1)...rolledBack.lastEventId), "a reconnect on B replays from the database")
            XCTAssertEqual(local.seqs.withLock { $0 }, Array((done.lastEventId + 1)...rolledBack.lastEventId), "no event twice on the running instance")
        } catch {
            await instances.stop()
            throw error
        }
        await instances.stop()
    }

    func testARelayWhoseConnectionIsCutReconnectsAndFollowsTheRunToTheEnd() async throws {
        let cf = CloudflareFakeAccount(token: token)
        let gate = GatedTransport(inner: cf, blockPathContaining: "/workers/scripts/tf-7f3a9c21-api")
        let instances = try await startInstances(2, transport: gate, leaseSeconds: 15)
        let a = instances.services[0], b = instances.services[1]
        do {
            let started = try await a.orchestrator.start(DeployRequest(orderId: orderId, cloudflare: credentials, domain: nil), buyerId: "acct_buyer")
            let blocked = await gate.waitUntilBlocked()
            XCTAssertTrue(blocked, "the run never reached the gated request")
            let stream = b.events.frames(deploymentId: started.id, after: 0)
            // The server ends every LISTEN connection (a failover, a restart of PostgreSQL's side): the relays reconnect.
            let cut = try await instances.postgres.rows("""
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'
                """)
            XCTAssertEqual(cut.count, 2, "one listening connection per instance")
            // The run goes on at once: its events may come while B is away (B catches up on reconnecting) or after.
            gate.open()
            let seen = try await withDeadline(60) { await DeploymentEventStreamTests.collect(stream) }
            let relay = try XCTUnwrap(b.relay)
            try await withDeadline(30) { await relay.waitUntilListening(connections: 2) }
            await a.orchestrator.waitUntilIdle(started.id)
            let done = try await a.orchestrator.deployment(id: started.id, buyerId: "acct_buyer")
            XCTAssertEqual(done.state, .succeeded, done.lastMessage ?? "")
            XCTAssertTrue(seen.ended)
            XCTAssertEqual(seen.events.map(\.seq), Array(1...done.lastEventId))
        } catch {
            gate.open()
            await instances.stop()
            throw error
        }
        await instances.stop()
    }

    func testEventsCommittedWhileTheRelayIsAwayReachItsWatcherOnceItIsBack() async throws {
        try XCTSkipIf(PostgresTestServer.isOptedOut, "\(PostgresTestServer.optOutVariable) is set")
        var logger = Logger(label: "test.deploy.relay")
        logger.logLevel = .error
        let postgres = try await PostgresTestServer.freshDatabase(logger: logger)
        let store = PostgresDeploymentStore(database: postgres)
        // This instance watches through its relay, which waits 2 s before reconnecting; the other records the run.
        let hub = DeploymentEventHub()
        let relay = PostgresDeploymentEventRelay(database: postgres, store: store, hub: hub, ledger: DeploymentEventLedger(hub: hub),
                                                 clock: SystemClock(), logger: logger, reconnectDelay: 2)
        let relaying = Task { await relay.run() }
        do {
            await relay.waitUntilListening()
            let now = Date()
            let d = StoredDeployment(deployment: Deployment(
                id: "dep_away", orderId: "ord_1", listingSlug: "shop", accountId: "acc", domain: nil, state: .queued,
                steps: DeploymentStepKind.allCases.map { DeploymentStep(kind: $0) }, resources: [], url: nil, lastMessage: nil,
                lastEventId: 1, createdAt: now, updatedAt: now), buyerId: "buyer")
            try await store.insert(d, events: [DeploymentEvent(seq: 1, deploymentId: "dep_away", kind: .deployment, at: now, state: .queued)])
            let recorder = DeploymentRecorder(stored: d, store: store, publisher: DeploymentEventHub(), clock: SystemClock())
            let tap = await HubTap.on(hub, "dep_away")
            let stream = DeploymentEventStream(store: store, hub: hub, heartbeatInterval: 60).frames(deploymentId: "dep_away", after: 0)
            try await recorder.setState(.running)
            // (The insert's notice may reach the relay after the tap subscribed: then it relays 1 as well.)
            try await withDeadline(30) { while tap.seqs.withLock({ $0.last }) != 2 { try await Task.sleep(nanoseconds: 10_000_000) } }
            _ = try await postgres.rows("""
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'
                """)
            try await withDeadline(30) { while await relay.isListening { try await Task.sleep(nanoseconds: 10_000_000) } }
            // While it is away: the rest of the run, to its end.
            try await recorder.log(.verifyCredentials, "token checked")
            try await recorder.log(.verifyCredentials, "account found")
            try await recorder.setState(.failed, message: "stopped")
            let seen = try await withDeadline(30) { await DeploymentEventStreamTests.collect(stream) }
            XCTAssertTrue(seen.ended, "the final event came after the relay was back")
            XCTAssertEqual(seen.events.map(\.seq), [1, 2, 3, 4, 5])
            let reconnected = await relay.connectionsMade
            XCTAssertEqual(reconnected, 2)
        } catch {
            relaying.cancel()
            await relaying.value
            await postgres.close()
            throw error
        }
        relaying.cancel()
        await relaying.value
        await postgres.close()
    }

    func testWhenTheRunningInstanceDiesAnotherInterruptsItWithinTwoLeasesAndARetryThereFinishesIt() async throws {
        let cf = CloudflareFakeAccount(token: token)
        let gate = GatedTransport(inner: cf, blockPathContaining: "/workers/scripts/tf-7f3a9c21-api")
        let lease = 2.0
        let instances = try await startInstances(3, transport: gate, leaseSeconds: lease)
        let a = instances.services[0], b = instances.services[1], c = instances.services[2]
        do {
            let started = try await a.orchestrator.start(DeployRequest(orderId: orderId, cloudflare: credentials, domain: nil), buyerId: "acct_buyer")
            let blocked = await gate.waitUntilBlocked()
            XCTAssertTrue(blocked, "the run never reached the gated request")
            let mid = try await XCTUnwrapAsync(try await b.store.load(id: started.id))
            XCTAssertEqual(mid.deployment.state, .running)
            // A live run's lease holds: A renews it four times (longer than a lease) while B and C scan, and it runs on.
            let postgres = instances.postgres, id = started.id
            let expiries = try await withDeadline(4 * lease + 10) {
                var expiries: Set<Int64> = []
                while expiries.count < 5 {
                    let row = try await postgres.rows("SELECT lease_expires_at FROM deployments WHERE id = \(id)").first
                    if let expiry = try row?.decode(Int64?.self) { expiries.insert(expiry) }
                    try await Task.sleep(nanoseconds: 50_000_000)
                }
                return expiries
            }
            XCTAssertEqual(expiries.count, 5)
            let alive = try await XCTUnwrapAsync(try await c.store.load(id: started.id))
            XCTAssertEqual(alive.deployment.state, .running, "a renewed lease is not taken")
            let stream = b.events.frames(deploymentId: started.id, after: mid.deployment.lastEventId)
            instances.background[0].cancel()
            let died = ContinuousClock.now
            await a.orchestrator.abandonRuns()  // A "dies" in step 5: no more writes, no renewals
            let seen = try await withDeadline(30) { await DeploymentEventStreamTests.collect(stream) }
            let elapsed = ContinuousClock.now - died
            XCTAssertEqual(seen.events.last?.state, .interrupted, "B's watcher is told")
            XCTAssertLessThanOrEqual(elapsed, .seconds(2 * lease), "interrupted within twice the lease")
            let interrupted = try await XCTUnwrapAsync(try await b.store.load(id: started.id))
            XCTAssertEqual(interrupted.deployment.state, .interrupted)
            XCTAssertEqual(interrupted.deployment.step(.uploadWorkers)?.state, .failed)
            XCTAssertEqual(interrupted.deployment.step(.createBuckets)?.state, .succeeded)
            let log = try await b.store.events(deploymentId: started.id, after: 0)
            XCTAssertEqual(log.filter { $0.kind == .deployment && $0.state == .interrupted }.count, 1, "B and C scanning: marked once")

            gate.open()
            _ = try await b.orchestrator.retry(deploymentId: started.id, buyerId: "acct_buyer", credentials: credentials)
            do {
                _ = try await c.orchestrator.retry(deploymentId: started.id, buyerId: "acct_buyer", credentials: credentials)
                XCTFail("a second retry on another instance while B runs it")
            } catch DeploymentError.busy {} catch DeploymentError.wrongState {}
            await b.orchestrator.waitUntilIdle(started.id)
            let done = try await b.orchestrator.deployment(id: started.id, buyerId: "acct_buyer")
            XCTAssertEqual(done.state, .succeeded, done.lastMessage ?? "")
            XCTAssertEqual(cf.inventory.count, 4, "\(cf.inventory)")
            XCTAssertEqual(cf.requests.filter { $0 == "POST /accounts/0123456789abcdef0123456789abcdef/d1/database" }.count, 1,
                           "the database is created once")
            XCTAssertEqual(cf.requests.filter { $0 == "POST /accounts/0123456789abcdef0123456789abcdef/r2/buckets" }.count, 1,
                           "the bucket is created once")
            let events = try await b.store.events(deploymentId: started.id, after: 0)
            XCTAssertEqual(events.map(\.seq), Array(1...done.lastEventId), "one numbered log across both instances")
        } catch {
            gate.open()
            await instances.stop()
            throw error
        }
        await instances.stop()
    }
}
