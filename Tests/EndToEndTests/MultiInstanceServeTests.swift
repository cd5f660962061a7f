import Foundation
import Synchronization
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyHTTP
import TechFlunkySandbox
import XCTest

/// Issue 16's "tests that start real servers": three `techflunky serve` processes on one PostgreSQL database and one
/// set of stand-ins (`MultiInstancePlatform`), checked only through the HTTP API and the stand-ins' own records.
final class MultiInstanceServeTests: XCTestCase {
    /// A watcher connected to B sees every event of a deployment A runs, in order, once, to the final one.
    func testAWatcherOnBFollowsADeploymentRunByAToTheEnd() async throws {
        try await MultiInstancePlatform.with { platform in
            let a = try await platform.startInstance("a"), b = try await platform.startInstance("b"), c = try await platform.startInstance("c")
            await platform.deliverWebhooks(to: a)
            let seller = try await platform.onboardedSeller(on: a)
            _ = try await seller.publishListing(try MultiInstancePlatform.upload(slug: "watched-shop"))
            let buyer = try await platform.buyer(on: b)
            let orderId = try await platform.buy("watched-shop", buyer: buyer)
            let credentials = platform.cloudflareCredentials()
            // Step 5 waits at the stand-in, so B's watcher is connected while A's run goes on: what follows reaches B only
            // through the database (LISTEN/NOTIFY), not by replay.
            platform.sandbox.injectFault(SandboxFault(match: "PUT /accounts/*/workers/scripts/*", status: nil, times: 1, delayMs: 8_000))
            let onA = PlatformClient(baseURL: a.baseURL, token: buyer.token)
            let onC = PlatformClient(baseURL: c.baseURL, token: buyer.token)
            let accepted = try await onA.deploy(DeployRequest(orderId: orderId, cloudflare: credentials))
            let seen = SeenEvents()
            let watcher = Task {
                for try await update in buyer.deploymentEvents(id: accepted.deploymentId) {
                    guard case let .event(event) = update else { continue }
                    seen.events.withLock { $0.append(event) }
                    if event.isFinal { break }
                }
            }
            defer { watcher.cancel() }
            try await waitUntil("B's watcher sees step 5 start", timeout: 60) {
                seen.events.withLock { $0.contains { $0.step == .uploadWorkers && $0.stepState == .running } }
            }
            let meanwhile = try await onC.deployment(id: accepted.deploymentId)
            XCTAssertEqual(meanwhile.state, .running, "the watcher is live while A's run is held in step 5")
            try await waitUntil("B's watcher sees the run end", timeout: 120) { seen.events.withLock { $0.last?.isFinal ?? false } }
            let events = seen.events.withLock { $0 }
            let done = try await onC.deployment(id: accepted.deploymentId)
            XCTAssertEqual(done.state, .succeeded, "\(done.lastMessage ?? "")\nA's log:\n\(platform.log(of: a))")
            XCTAssertEqual(events.last?.state, .succeeded, "B's watcher saw the run end")
            XCTAssertEqual(events.map(\.seq), Array(1...max(done.lastEventId, 1)), "every event once, in order")
            XCTAssertTrue(events.contains { $0.step == .uploadWorkers && $0.stepState == .succeeded }, "the watcher saw step 5 finish")
        }
    }

    /// The instance running a deployment dies (SIGKILL) in step 5: another marks it `interrupted` within twice the lease,
    /// a retry through C finishes it, and the Cloudflare account holds one of each resource.
    func testKillingTheInstanceRunningADeploymentInterruptsItAndARetryThroughCFinishesItWithoutDuplicates() async throws {
        let lease = 4.0
        try await MultiInstancePlatform.with { platform in
            let a = try await platform.startInstance("a", leaseSeconds: lease)
            let b = try await platform.startInstance("b", leaseSeconds: lease)
            let c = try await platform.startInstance("c", leaseSeconds: lease)
            await platform.deliverWebhooks(to: b)
            let seller = try await platform.onboardedSeller(on: b)
            _ = try await seller.publishListing(try MultiInstancePlatform.upload(slug: "orphaned-shop"))
            let buyer = try await platform.buyer(on: b)
            let orderId = try await platform.buy("orphaned-shop", buyer: buyer)
            let credentials = platform.cloudflareCredentials()
            let figure = try await Self.killMidDeployment(platform, running: a, watching: b, buyer: buyer, orderId: orderId,
                                                          credentials: credentials, lease: lease)
            XCTAssertLessThanOrEqual(figure.seconds, 2 * lease, "interrupted within twice the lease after A died")
            let onB = PlatformClient(baseURL: b.baseURL, token: buyer.token)
            let interrupted = try await onB.deployment(id: figure.deploymentId)
            XCTAssertEqual(interrupted.state, .interrupted)
            XCTAssertEqual(interrupted.step(.createDatabases)?.state, .succeeded, "A made the database before it died")

            let onC = PlatformClient(baseURL: c.baseURL, token: buyer.token)
            _ = try await onC.retryDeployment(id: figure.deploymentId, cloudflare: credentials)
            // Until C's run writes its first event the deployment still reads `interrupted`, itself a final state.
            try await waitUntil("the retry through C ends", timeout: 120) {
                let now = try await onC.deployment(id: figure.deploymentId)
                return now.state.isFinal && now.lastEventId > interrupted.lastEventId
            }
            let done = try await onC.deployment(id: figure.deploymentId)
            XCTAssertEqual(done.state, .succeeded, "\(done.lastMessage ?? "")\nC's log:\n\(platform.log(of: c))")
            let resources = try await platform.sandbox.cloudflareResources(accountId: credentials.accountId)
            for kind in ["d1", "r2", "workers"] {
                XCTAssertEqual(resources[kind]?.arrayValue?.count, 1, "one \(kind) resource, not two: \(resources)")
            }
            var interruptions = 0
            for try await update in onB.deploymentEvents(id: figure.deploymentId) {
                guard case let .event(event) = update else { continue }
                if event.kind == .deployment && event.state == .interrupted { interruptions += 1 }
                if event.seq == done.lastEventId { break }
            }
            XCTAssertEqual(interruptions, 1, "B and C both scanning: marked interrupted once")
        }
    }

    /// Three instances release 100 due holds at once (each moved past the hold by `POST /api/sandbox/advance`, which
    /// releases what is due there and then, beside every instance's own scheduler): exactly 100 transfers, one per order.
    func testThreeInstancesRacingOverOneHundredDueHoldsMakeExactlyOneHundredTransfers() async throws {
        let count = 100
        try await MultiInstancePlatform.with { platform in
            let instances = [try await platform.startInstance("a"), try await platform.startInstance("b"), try await platform.startInstance("c")]
            await platform.deliverWebhooks(to: instances[0])
            let seller = try await platform.onboardedSeller(on: instances[0])
            let buyers = [try await platform.buyer(on: instances[0]), try await platform.buyer(on: instances[1]), try await platform.buyer(on: instances[2])]
            let orders = try await withThrowingTaskGroup(of: String.self) { group in
                for lane in 0..<4 {
                    group.addTask {
                        var made: [String] = []
                        for n in stride(from: lane, to: count, by: 4) {
                            let slug = "held-shop-\(n)"
                            _ = try await seller.publishListing(try MultiInstancePlatform.upload(slug: slug, price: 100_000 + Int64(n)))
                            made.append(try await platform.buy(slug, buyer: buyers[n % buyers.count]))
                        }
                        return made.joined(separator: ",")
                    }
                }
                var all: [String] = []
                for try await made in group { all += made.split(separator: ",").map(String.init) }
                return all
            }
            XCTAssertEqual(Set(orders).count, count)
            let before = try await platform.sandbox.stripeObjects(type: "transfer")
            XCTAssertEqual(before.count, 0, "nothing is released inside the hold")

            // A pass-through "fault" counts the transfer requests the stand-in receives: Stripe's idempotency key would
            // fold a second request for one hold into the first transfer, so this shows the claims kept it to one.
            let requests = platform.sandbox.injectFault(SandboxFault(match: "POST /v1/transfers", status: nil, times: nil))
            let past = Double(FeePolicy.standard.holdDays) * 86_400 + 60
            platform.sandbox.clock.advance(by: past)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, instance) in instances.enumerated() {
                    let client = PlatformClient(baseURL: instance.baseURL, token: buyers[index].token)
                    group.addTask { _ = try await client.advanceSandboxClock(seconds: past) }
                }
                try await group.waitForAll()
            }
            let orderIds = Set(orders)
            try await waitUntil("every order is released", timeout: 120) {
                let transfers = try await platform.sandbox.stripeObjects(type: "transfer")
                guard transfers.count >= count else { return false }
                let released = try await seller.payouts()
                return released.payouts.filter { orderIds.contains($0.orderId) && $0.state == .released }.count == count
            }
            let transfers = try await platform.sandbox.stripeObjects(type: "transfer")
            XCTAssertEqual(transfers.count, count, "one transfer per hold, none twice")
            let groups = transfers.compactMap { $0["transfer_group"]?.stringValue }
            XCTAssertEqual(Set(groups), orderIds, "a transfer for every order")
            XCTAssertEqual(groups.count, Set(groups).count, "no order paid out twice")
            let requested = platform.sandbox.faults.active.first { $0.id == requests }?.hits
            XCTAssertEqual(requested, count, "each hold claimed by one instance: one transfer request per hold across the three")
            let payouts = try await seller.payouts().payouts.filter { orderIds.contains($0.orderId) }
            XCTAssertEqual(Set(payouts.compactMap(\.transferId)), Set(transfers.compactMap { $0["id"]?.stringValue }),
                           "each payout names the one transfer the stand-in made for it")
        }
    }

    /// The same signed `checkout.session.completed` reaches A and B at once: one applies it, the other answers that it
    /// is a repeat, and the order is paid once.
    func testAWebhookDeliveredToTwoInstancesAtOnceMarksTheOrderPaidOnce() async throws {
        try await MultiInstancePlatform.with { platform in
            let a = try await platform.startInstance("a"), b = try await platform.startInstance("b"), c = try await platform.startInstance("c")
            await platform.deliverWebhooks(to: c)
            let seller = try await platform.onboardedSeller(on: c)
            _ = try await seller.publishListing(try MultiInstancePlatform.upload(slug: "twice-told-shop"))
            // From here the stand-in's own deliveries go nowhere: this test delivers the event itself, to A and B.
            await platform.sandbox.setStripeWebhook(url: "http://127.0.0.1:9/api/checkout/webhook", secret: platform.webhookSecret)
            let buyer = try await platform.buyer(on: c)
            let session = try await buyer.createCheckoutSession(listingSlug: "twice-told-shop")
            let paid = try await CurlHTTPClient().send(HTTPRequest(
                method: .POST, url: "\(platform.sandbox.baseURL)/sandbox/checkout/\(session.sessionId)/pay",
                headers: ["Content-Type": "application/json", "Authorization": "Bearer \(platform.stripeKey)"],
                body: Data(#"{"outcome":"succeeded"}"#.utf8)))
            XCTAssertEqual(paid.status, 200, String(decoding: paid.body, as: UTF8.self))
            let payloads = try await platform.sandbox.stripeEventPayloads(type: "checkout.session.completed")
            let payload = try XCTUnwrap(payloads.first { String(decoding: $0, as: UTF8.self).contains(session.sessionId) },
                                        "the stand-in emitted the session's completion")
            let pending = try await buyer.order(id: session.orderId)
            XCTAssertEqual(pending.state, .pendingPayment, "the stand-in's own delivery reached no instance")

            let signature = StripeSignature.header(secret: platform.webhookSecret, timestamp: Int64(Date().timeIntervalSince1970), payload: payload)
            let receipts = try await withThrowingTaskGroup(of: (Int, Data).self) { group in
                for instance in [a, b] {
                    group.addTask {
                        let response = try await CurlHTTPClient().send(HTTPRequest(method: .POST, url: instance.webhookURL, headers: [
                            "Content-Type": "application/json; charset=utf-8", "Stripe-Signature": signature,
                        ], body: payload, retryable: false))
                        return (response.status, response.body)
                    }
                }
                var all: [(Int, Data)] = []
                for try await receipt in group { all.append(receipt) }
                return all
            }
            XCTAssertEqual(receipts.map(\.0), [200, 200], receipts.map { String(decoding: $0.1, as: UTF8.self) }.joined(separator: "\n"))
            let decoded = try receipts.map { try JSONDecoder().decode(WebhookReceipt.self, from: $0.1) }
            XCTAssertEqual(decoded.filter { !$0.duplicate }.count, 1, "one instance applied it")
            XCTAssertEqual(decoded.filter(\.duplicate).count, 1, "the other was told it is a repeat")
            let order = try await PlatformClient(baseURL: c.baseURL, token: buyer.token).order(id: session.orderId)
            XCTAssertEqual(order.state, .inReview, "paid once, in review")
            let sold = try await seller.payouts()
            XCTAssertEqual(sold.payouts.filter { $0.orderId == session.orderId }.count, 1, "one sale for the seller")
        }
    }

    // MARK: - Killing the instance that runs a deployment

    struct KillFigure {
        var deploymentId: String
        /// From SIGKILL to the deployment reading `interrupted` on another instance.
        var seconds: Double
    }

    /// Deploys through `running`, waits until the run is in step 5 (held there by the stand-in), SIGKILLs `running` and
    /// measures until `watching` shows the deployment `interrupted` (`scripts/bench failover` reports the same time
    /// on `scripts/cluster-up`).
    static func killMidDeployment(_ platform: MultiInstancePlatform, running: MultiInstancePlatform.Instance,
                                  watching: MultiInstancePlatform.Instance, buyer: PlatformClient, orderId: String,
                                  credentials: CloudflareCredentials, lease: Double) async throws -> KillFigure {
        platform.sandbox.injectFault(SandboxFault(match: "PUT /accounts/*/workers/scripts/*", status: nil, times: 1, delayMs: 20_000))
        let onRunning = PlatformClient(baseURL: running.baseURL, token: buyer.token)
        let onWatching = PlatformClient(baseURL: watching.baseURL, token: buyer.token)
        let accepted = try await onRunning.deploy(DeployRequest(orderId: orderId, cloudflare: credentials))
        try await waitUntil("the run reaches step 5", timeout: 120) {
            try await onWatching.deployment(id: accepted.deploymentId).step(.uploadWorkers)?.state == .running
        }
        running.process.signal(SIGKILL)
        let killed = Date()
        running.process.waitForExit(timeout: 10)
        try await waitUntil("another instance marks the deployment interrupted", timeout: 20 * lease + 60) {
            try await onWatching.deployment(id: accepted.deploymentId).state == .interrupted
        }
        let seconds = Date().timeIntervalSince(killed)
        return KillFigure(deploymentId: accepted.deploymentId, seconds: seconds)
    }
}

/// What a watcher has seen so far, read by the test while the watcher goes on.
final class SeenEvents: Sendable {
    let events = Mutex<[DeploymentEvent]>([])
}
