import Foundation
import GRDB
import Synchronization
import TechFlunkyCore
import XCTest

@testable import TechFlunkyPlatform

/// The event log and its SSE stream on each engine's store (a real SQLite file; a PostgreSQL database).
final class DeploymentEventStreamTests: XCTestCase {
    func makeStore() throws -> (GRDBDeploymentStore, DatabaseQueue) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("deploy-events-\(UUID().uuidString).sqlite")
        let queue = try DatabaseQueue(path: url.path)
        var migrator = DatabaseMigrator()
        DeploymentSchema.register(in: &migrator)
        try migrator.migrate(queue)
        return (GRDBDeploymentStore(database: queue), queue)
    }

    func newDeployment(_ id: String) -> StoredDeployment {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        return StoredDeployment(deployment: Deployment(
            id: id, orderId: "ord_1", listingSlug: "shop", accountId: "acc", domain: nil, state: .queued,
            steps: DeploymentStepKind.allCases.map { DeploymentStep(kind: $0) }, resources: [], url: nil, lastMessage: nil,
            lastEventId: 1, createdAt: now, updatedAt: now), buyerId: "buyer")
    }

    func testCommitRefusesASequenceGapAndKeepsTheStoreUnchanged() async throws {
        try await forEachDeploymentStore { store, _ in
        var d = newDeployment("dep_a")
        try await store.insert(d, events: [DeploymentEvent(seq: 1, deploymentId: "dep_a", kind: .deployment, at: Date(), state: .queued)])
        d.deployment.state = .running
        d.deployment.lastEventId = 3
        do {
            try await store.commit(d, events: [DeploymentEvent(seq: 3, deploymentId: "dep_a", kind: .deployment, at: Date(), state: .running)])
            XCTFail("a gap must be refused")
        } catch DeploymentStoreError.sequenceConflict {}
        let loaded = try await store.load(id: "dep_a")
        XCTAssertEqual(loaded?.deployment.state, .queued)
        let events = try await store.events(deploymentId: "dep_a", after: 0)
        XCTAssertEqual(events.map(\.seq), [1])
        }
    }

    func testSnapshotRoundTripsStepsResourcesAndNamespace() async throws {
        try await forEachDeploymentStore { store, _ in
        var d = newDeployment("dep_b")
        try await store.insert(d, events: [DeploymentEvent(seq: 1, deploymentId: "dep_b", kind: .deployment, at: Date(), state: .queued)])
        d.namespace = "tf-abcd1234"
        d.deployment.updateStep(.createDatabases) { $0.state = .failed; $0.message = "boom"; $0.errorCode = 7502; $0.log = ["a", "b"] }
        d.deployment.resources = [CreatedResource(kind: "d1_database", id: "u1", name: "tf-abcd1234-main", created: true, step: .createDatabases)]
        d.deployment.lastEventId = 2
        try await store.commit(d, events: [DeploymentEvent(seq: 2, deploymentId: "dep_b", kind: .log, at: Date(), message: "x")])
        let loaded = try await store.load(id: "dep_b")
        XCTAssertEqual(loaded, d)
        }
    }

    static func collect(_ stream: AsyncStream<String>, cutAfter: Int? = nil) async -> (events: [DeploymentEvent], heartbeats: Int, ended: Bool) {
        var parser = SSEParser()
        var events: [DeploymentEvent] = []
        var heartbeats = 0
        for await chunk in stream {
            if chunk.hasPrefix(": heartbeat") { heartbeats += 1 }
            for frame in parser.feed(chunk) {
                if let e = try? WireJSON.decode(DeploymentEvent.self, from: Data(frame.data.utf8)) {
                    XCTAssertEqual(frame.id, String(e.seq))
                    events.append(e)
                }
            }
            if let cutAfter, events.count >= cutAfter { return (events, heartbeats, false) }
        }
        return (events, heartbeats, true)
    }

    func testWatcherCutManyTimesSeesEveryEventOnceInOrder() async throws {
        try await forEachDeploymentStore { store, _ in
        let hub = DeploymentEventHub()
        let d = newDeployment("dep_c")
        try await store.insert(d, events: [DeploymentEvent(seq: 1, deploymentId: "dep_c", kind: .deployment, at: Date(), state: .queued)])
        let recorder = DeploymentRecorder(stored: d, store: store, publisher: hub, clock: SystemClock())
        let streams = DeploymentEventStream(store: store, hub: hub, heartbeatInterval: 60)

        let total = 1 + 300
        let producer = Task { [recorder] () async throws -> Void in
            try await Task.sleep(nanoseconds: 5_000_000)
            try await recorder.setState(.running)
            for i in 0..<298 { try await recorder.log(.verifyCredentials, "line \(i)") }
            try await recorder.setState(.succeeded)
        }
        let (seen, reconnects) = try await withDeadline(60) {
            var seen: [DeploymentEvent] = []
            var reconnects = 0
            while true {
                let cut = Int.random(in: 1...7)
                let result = await Self.collect(streams.frames(deploymentId: "dep_c", after: seen.last?.seq ?? 0), cutAfter: cut)
                seen += result.events
                if result.ended { break }
                reconnects += 1
            }
            return (seen, reconnects)
        }
        try await producer.value
        XCTAssertGreaterThan(reconnects, 20)
        XCTAssertEqual(seen.map(\.seq), Array(1...total), "every event exactly once, in order")
        XCTAssertTrue(seen.last?.isFinal ?? false)
        let watchers = await hub.watcherCount(deploymentId: "dep_c")
        XCTAssertEqual(watchers, 0, "cut streams unsubscribe")
        }
    }

    func testStreamSendsHeartbeatsWhileIdleAndEndsAfterTheFinalEvent() async throws {
        try await forEachDeploymentStore { store, _ in
        let hub = DeploymentEventHub()
        let d = newDeployment("dep_d")
        try await store.insert(d, events: [DeploymentEvent(seq: 1, deploymentId: "dep_d", kind: .deployment, at: Date(), state: .queued)])
        let recorder = DeploymentRecorder(stored: d, store: store, publisher: hub, clock: SystemClock())
        let streams = DeploymentEventStream(store: store, hub: hub, heartbeatInterval: 0.02)
        // The deployment ends once the idle stream has sent a heartbeat (not after a fixed wait that a slow machine
        // could spend before the watcher even connects).
        let (heartbeatSeen, heartbeat) = AsyncStream<Void>.makeStream()
        let frames = streams.frames(deploymentId: "dep_d", after: 0)
        let tapped = AsyncStream<String> { continuation in
            let relay = Task {
                for await chunk in frames {
                    if chunk.hasPrefix(": heartbeat") { heartbeat.yield() }
                    continuation.yield(chunk)
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in relay.cancel() }
        }
        let producer = Task { [recorder] () async throws -> Void in
            var seen = heartbeatSeen.makeAsyncIterator()
            guard await seen.next() != nil else { return }
            try await recorder.setState(.failed, message: "x")
        }
        defer { producer.cancel() }
        let result = try await withDeadline(30) { await Self.collect(tapped) }
        try await producer.value
        XCTAssertTrue(result.ended)
        XCTAssertGreaterThan(result.heartbeats, 0)
        XCTAssertEqual(result.events.map(\.seq), [1, 2])
        // Connecting after the end replays nothing and ends at once.
        let again = try await withDeadline(30) { await Self.collect(streams.frames(deploymentId: "dep_d", after: 2)) }
        XCTAssertTrue(again.ended)
        XCTAssertTrue(again.events.isEmpty)
        }
    }

    func testALeaseIsTakenOnceRenewedOnlyByItsOwnerAndLapses() async throws {
        try await forEachDeploymentStore { store, _ in
            var d = newDeployment("dep_l")
            d.deployment.state = .running
            let t0 = Date(timeIntervalSince1970: 1_800_000_000)
            try await store.insert(d, events: [DeploymentEvent(seq: 1, deploymentId: "dep_l", kind: .deployment, at: t0, state: .running)],
                                   lease: DeploymentLease(owner: "inst_a", expiresAt: t0.addingTimeInterval(10)))
            var taken = try await store.acquireLease(deploymentId: "dep_l", DeploymentLease(owner: "inst_b", expiresAt: t0.addingTimeInterval(20)),
                                                     now: t0.addingTimeInterval(5))
            XCTAssertFalse(taken, "a held lease is not taken")
            var lapsed = try await store.deploymentsWithLapsedLeases(inStates: DeploymentState.underWay, now: t0.addingTimeInterval(5))
            XCTAssertEqual(lapsed.map(\.deployment.id), [])
            var renewed = try await store.renewLease(deploymentId: "dep_l", owner: "inst_a", until: t0.addingTimeInterval(30))
            XCTAssertTrue(renewed)
            renewed = try await store.renewLease(deploymentId: "dep_l", owner: "inst_b", until: t0.addingTimeInterval(60))
            XCTAssertFalse(renewed, "only the owner renews")
            lapsed = try await store.deploymentsWithLapsedLeases(inStates: DeploymentState.underWay, now: t0.addingTimeInterval(25))
            XCTAssertEqual(lapsed.map(\.deployment.id), [], "renewed past 25 s")
            lapsed = try await store.deploymentsWithLapsedLeases(inStates: DeploymentState.underWay, now: t0.addingTimeInterval(31))
            XCTAssertEqual(lapsed.map(\.deployment.id), ["dep_l"])
            lapsed = try await store.deploymentsWithLapsedLeases(inStates: [.failed, .interrupted], now: t0.addingTimeInterval(31))
            XCTAssertEqual(lapsed.map(\.deployment.id), [], "only the states asked for")

            // Two instances claim the lapsed lease at once: one gets it.
            async let b = store.acquireLease(deploymentId: "dep_l", DeploymentLease(owner: "inst_b", expiresAt: t0.addingTimeInterval(50)),
                                             now: t0.addingTimeInterval(31))
            async let c = store.acquireLease(deploymentId: "dep_l", DeploymentLease(owner: "inst_c", expiresAt: t0.addingTimeInterval(50)),
                                             now: t0.addingTimeInterval(31))
            let claims = try await [b, c]
            XCTAssertEqual(claims.filter { $0 }.count, 1, "\(claims)")
            let winner = claims[0] ? "inst_b" : "inst_c"
            renewed = try await store.renewLease(deploymentId: "dep_l", owner: "inst_a", until: t0.addingTimeInterval(90))
            XCTAssertFalse(renewed, "the old owner lost it")
            try await store.releaseLease(deploymentId: "dep_l", owner: "inst_a")  // not theirs: changes nothing
            taken = try await store.acquireLease(deploymentId: "dep_l", DeploymentLease(owner: "inst_a", expiresAt: t0.addingTimeInterval(90)),
                                                 now: t0.addingTimeInterval(32))
            XCTAssertFalse(taken)
            try await store.releaseLease(deploymentId: "dep_l", owner: winner)
            lapsed = try await store.deploymentsWithLapsedLeases(inStates: DeploymentState.underWay, now: t0.addingTimeInterval(32))
            XCTAssertEqual(lapsed.map(\.deployment.id), ["dep_l"], "nobody holds it")
            taken = try await store.acquireLease(deploymentId: "dep_l", DeploymentLease(owner: "inst_a", expiresAt: t0.addingTimeInterval(90)),
                                                 now: t0.addingTimeInterval(32))
            XCTAssertTrue(taken, "a released lease is free")
            let running = try await store.count(inStates: DeploymentState.underWay)
            XCTAssertEqual(running, 1)
        }
    }

    func testErasingABuyersDeploymentsWaitsUntilNoneRuns() async throws {
        try await forEachDeploymentStore { store, _ in
            var running = newDeployment("dep_x")
            running.deployment.state = .running
            var done = newDeployment("dep_y")
            done.deployment.state = .succeeded
            let theirs = StoredDeployment(deployment: newDeployment("dep_z").deployment, buyerId: "someone_else")
            for d in [running, done, theirs] {
                try await store.insert(d, events: [DeploymentEvent(seq: 1, deploymentId: d.deployment.id, kind: .deployment, at: Date(), state: .queued)])
            }
            var ids = try await store.deploymentIds(buyerId: "buyer")
            XCTAssertEqual(ids, ["dep_x", "dep_y"])
            var erased = try await store.eraseDeployments(buyerId: "buyer", unlessAnyIn: DeploymentState.underWay)
            XCTAssertEqual(erased, .busy(deploymentId: "dep_x"))
            let kept = try await store.load(id: "dep_y")
            XCTAssertNotNil(kept, "nothing is erased while one runs")
            running.deployment.state = .failed
            running.deployment.lastEventId = 2
            try await store.commit(running, events: [DeploymentEvent(seq: 2, deploymentId: "dep_x", kind: .deployment, at: Date(), state: .failed)])
            erased = try await store.eraseDeployments(buyerId: "buyer", unlessAnyIn: DeploymentState.underWay)
            XCTAssertEqual(erased, .removed(2))
            ids = try await store.deploymentIds(buyerId: "buyer")
            XCTAssertEqual(ids, [])
            let events = try await store.events(deploymentId: "dep_x", after: 0)
            XCTAssertEqual(events, [], "the event log goes with it")
            let other = try await store.load(id: "dep_z")
            XCTAssertEqual(other?.buyerId, "someone_else")
        }
    }

    /// A watcher that stops reading is dropped once its buffer is full, without holding back another watcher of
    /// the same deployment; reconnecting with the last id it got, it receives the rest, each once, in order.
    func testWatcherThatStopsReadingIsDroppedAndResumesFromItsLastEventId() async throws {
        let (store, _) = try makeStore()
        let hub = DeploymentEventHub()
        let d = newDeployment("dep_s")
        try await store.insert(d, events: [DeploymentEvent(seq: 1, deploymentId: "dep_s", kind: .deployment, at: Date(), state: .queued)])
        let recorder = DeploymentRecorder(stored: d, store: store, publisher: hub, clock: SystemClock())
        let streams = DeploymentEventStream(store: store, hub: hub, heartbeatInterval: 60)
        let total = 1 + 200

        let reader = streams.frames(deploymentId: "dep_s", after: 0)
        let stalled = streams.frames(deploymentId: "dep_s", after: 0, bufferLimit: 8)
        // Both are subscribed before anything is recorded, so every event after the first is live for both.
        try await withDeadline(30) {
            while await hub.watcherCount(deploymentId: "dep_s") < 2 { try await Task.sleep(nanoseconds: 1_000_000) }
        }
        let reading = Task { await DeploymentEventStreamTests.collect(reader) }
        try await recorder.setState(.running)
        for i in 0..<198 { try await recorder.log(.verifyCredentials, "line \(i)") }
        try await recorder.setState(.succeeded)

        let all = try await withDeadline(30) { await reading.value }
        XCTAssertTrue(all.ended)
        XCTAssertEqual(all.events.map(\.seq), Array(1...total), "the reading watcher got everything")

        let cut = try await withDeadline(30) { await Self.collect(stalled) }
        XCTAssertTrue(cut.ended, "the stalled watcher's stream ended (dropped)")
        XCTAssertFalse(cut.events.isEmpty)
        XCTAssertLessThan(cut.events.count, 20, "no more than its buffer was kept for it")
        XCTAssertEqual(cut.events.map(\.seq), Array(1...(cut.events.last?.seq ?? 0)))
        XCTAssertFalse(cut.events.last?.isFinal ?? true)
        let watchers = await hub.watcherCount(deploymentId: "dep_s")
        XCTAssertEqual(watchers, 0, "the dropped watcher unsubscribed")

        let rest = try await withDeadline(30) { await Self.collect(streams.frames(deploymentId: "dep_s", after: cut.events.last?.seq ?? 0)) }
        XCTAssertTrue(rest.ended)
        XCTAssertEqual((cut.events + rest.events).map(\.seq), Array(1...total), "every event exactly once, in order")
        XCTAssertTrue(rest.events.last?.isFinal ?? false)
    }

    /// Every watcher of a final event asks whether it ended the deployment; the store is read once for all.
    func testFinalEventCheckRunsOnceHoweverManyWatchersAsk() async throws {
        let check = DeploymentEventHub.SharedCheck()
        final class Calls: Sendable { let count = Mutex(0) }
        let calls = Calls()
        let answers = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    try await check.value {
                        calls.count.withLock { $0 += 1 }
                        await Task.yield()
                        return true
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        XCTAssertEqual(answers, Array(repeating: true, count: 50))
        XCTAssertEqual(calls.count.withLock { $0 }, 1)
    }
}
