import Foundation
import GRDB
import Logging
import Synchronization
import TechFlunkyCore
import TechFlunkyHTTP
import TechFlunkySandbox
import XCTest
@testable import TechFlunkyPlatform

/// Several "instances" (PlatformServices, each with its own PostgreSQL pool and its own release scheduler) on one
/// PostgreSQL database: what one instance does must not be done again by another.
final class MultiInstanceOrderTests: XCTestCase {
    /// Counts the platform's `POST /v1/transfers` calls and how many Stripe answered as replays.
    final class TransferCounter: HTTPTransport {
        let base: any HTTPTransport
        let counts = Mutex((posted: 0, replayed: 0))
        init(_ base: any HTTPTransport) { self.base = base }

        func send(_ request: TechFlunkyHTTP.HTTPRequest) async throws -> TechFlunkyHTTP.HTTPResponse {
            let response = try await base.send(request)
            if request.method == .POST, request.url.hasSuffix("/v1/transfers") {
                let replayed = response.headers["Idempotent-Replayed"] == "true"
                counts.withLock { $0.posted += 1; if replayed { $0.replayed += 1 } }
            }
            return response
        }

        func stream(_ request: TechFlunkyHTTP.HTTPRequest) async throws -> HTTPStreamingResponse { try await base.stream(request) }
    }

    struct Instances {
        var harness: PlatformTestHarness
        let sandbox: SandboxServer
        let counter: TransferCounter
        let pools: [PostgresDatabase]
        let instances: [PlatformServices]

        func stop() async {
            for pool in pools { await pool.close() }
            await sandbox.stop()
            harness.cleanUp()
        }

        /// Transfers the Stripe stand-in holds (its own record, not the platform's).
        func transfersAtStripe() throws -> Int {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: harness.directory.appendingPathComponent("sandbox/sandbox.sqlite").path, configuration: configuration)
            return try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM stripe_object WHERE type = 'transfer'") ?? 0 }
        }
    }

    /// Three instances on one fresh PostgreSQL database, their Stripe calls going to one stand-in.
    func startInstances() async throws -> Instances {
        if PostgresTestServer.isOptedOut { throw XCTSkip("\(PostgresTestServer.optOutVariable) is set: no PostgreSQL server") }
        var harness = try PlatformTestHarness()
        let sandbox = try await SandboxServer.start(SandboxConfiguration(
            dataDir: harness.directory.appendingPathComponent("sandbox"), stripeWebhookSecret: "whsec_test_secret",
            stripeSecretKey: "sk_test_platform", clock: MovableClock(following: harness.clock)))
        let counter = TransferCounter(CurlHTTPClient())
        harness.configuration.stripeAPIBase = sandbox.stripeAPIBase
        harness.configuration.stripeSecretKey = "sk_test_platform"
        harness.configuration.httpTransport = counter
        let first = try await PostgresTestServer.freshDatabase(logger: harness.configuration.logger)
        var pools = [first]
        for _ in 0..<2 { pools.append(try await PostgresDatabase.open(first.url, logger: harness.configuration.logger, maximumConnections: 4)) }
        let sqlite = try PlatformDatabase(path: harness.configuration.dbPath)
        let instances = try pools.map { try harness.services(on: $0, sqlite: sqlite) }
        return Instances(harness: harness, sandbox: sandbox, counter: counter, pools: pools, instances: instances)
    }

    /// 100 paid orders of one seller (onboarded at the stand-in), their holds due, all paid by one real charge.
    func dueOrders(_ count: Int, on services: PlatformServices, sandbox: SandboxServer) async throws -> [String] {
        let seller = try await CatalogFixtures.seller(services)
        let buyer = try await CatalogFixtures.seller(services, email: "buyer@example.com")
        try await CatalogFixtures.list(services, slug: "shop", seller: seller, CatalogFixtures.details(title: "Shop", price: 1_000))
        let listing = try await services.catalog.listingForSale(slug: "shop")!
        let account = try await services.stripe.createExpressAccount(email: seller.email, platformAccountId: seller.id)
        let onboarded = try await CurlHTTPClient().send(TechFlunkyHTTP.HTTPRequest(
            method: .POST, url: "\(sandbox.baseURL)/sandbox/accounts/\(account)/complete-onboarding"))
        XCTAssertEqual(onboarded.status, 200)
        try await services.accounts.setStripeAccount(accountId: seller.id, stripeAccountId: account)
        try await services.accounts.updateConnectFlags(stripeAccountId: account, detailsSubmitted: true, chargesEnabled: true, payoutsEnabled: true)

        // One charge large enough for every seller's share (Stripe allows several transfers from one source transaction).
        let session = try await services.stripe.createCheckoutSession(
            orderId: "ord_batch", listingSlug: "shop", title: "Shop", amount: .usd(Int64(count) * 1_000), buyerEmail: buyer.email,
            successURL: "http://127.0.0.1:9/ok", cancelURL: "http://127.0.0.1:9/cancel")
        let paid = try await CurlHTTPClient().send(TechFlunkyHTTP.HTTPRequest(method: .POST, url: "\(sandbox.baseURL)/sandbox/checkout/\(session.id)/pay"))
        XCTAssertEqual(paid.status, 200)
        let paidSession = try await services.stripe.retrieveCheckoutSession(id: session.id)
        let charge = try XCTUnwrap(paidSession["payment_intent"]["latest_charge"].id)

        var ids: [String] = []
        for index in 0..<count {
            let order = StoredOrder(id: String(format: "ord_%03d", index), listing: listing, buyerId: buyer.id,
                                    split: try FeePolicy.standard.split(listing.askingPrice), now: services.clock.now())
            try await services.orders.insert(order)
            try await services.orders.attachCheckoutSession(orderId: order.id, sessionId: "cs_\(index)", url: "https://example/checkout",
                                                            expiresAt: services.clock.now().addingTimeInterval(3600))
            _ = try await services.orders.apply(eventId: "evt_\(index)", eventType: "checkout.session.completed",
                                                fact: .paid(orderId: order.id, sessionId: "cs_\(index)", paymentIntentId: nil, chargeId: charge),
                                                holdInterval: 3 * 86_400, now: services.clock.now())
            ids.append(order.id)
        }
        return ids
    }

    /// Every instance runs the release scheduler; racing over 100 due holds they make exactly 100 transfers (no
    /// transfer asked for twice, not even one Stripe would answer as a replay) and release each order once.
    func testThreeInstancesRacingTheReleaseScanTransferEachHoldOnce() async throws {
        let setup = try await startInstances()
        do {
            let orders = try await dueOrders(100, on: setup.instances[0], sandbox: setup.sandbox)
            setup.harness.clock.advance(by: 3 * 86_400 + 1)
            let reports = await withTaskGroup(of: PayoutHoldService.ReleaseReport.self) { group in
                for instance in setup.instances { group.addTask { await instance.holds.releaseDue() } }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let released = reports.flatMap(\.released)
            XCTAssertEqual(released.count, 100, "each hold released once: \(reports.map(\.released.count))")
            XCTAssertEqual(Set(released), Set(orders))
            XCTAssertEqual(reports.flatMap(\.failed.keys), [])
            let counts = setup.counter.counts.withLock { $0 }
            XCTAssertEqual(counts.posted, 100, "one transfer request per hold across the three instances")
            XCTAssertEqual(counts.replayed, 0)
            XCTAssertEqual(try setup.transfersAtStripe(), 100)

            var transfers: Set<String> = []
            for id in orders {
                let order = try await setup.instances[1].orders.order(id: id)
                XCTAssertEqual(order?.state, .released, id)
                if let transfer = order?.transferId { transfers.insert(transfer) }
            }
            XCTAssertEqual(transfers.count, 100)
            let again = await setup.instances[2].holds.releaseDue()
            XCTAssertEqual(again.released, [])
        } catch {
            await setup.stop()
            throw error
        }
        await setup.stop()
    }

    /// An instance claimed a hold and made its transfer, then died before recording it. Its claim keeps the others
    /// off until it lapses; then one of them releases the hold, and Stripe answers its transfer with the dead
    /// instance's (the same idempotency key): one transfer at Stripe, the order released once.
    func testAHoldClaimedByADeadInstanceIsReleasedAfterItsClaimLapsesWithoutASecondTransfer() async throws {
        let setup = try await startInstances()
        do {
            let orders = try await dueOrders(1, on: setup.instances[0], sandbox: setup.sandbox)
            setup.harness.clock.advance(by: 3 * 86_400 + 1)
            let now = setup.harness.clock.now()
            let claimed = try await setup.instances[0].orders.claimDueHolds(now: now, claimant: "dead-instance", for: PayoutHoldService.claimLease, limit: 10)
            XCTAssertEqual(claimed.map(\.order.id), orders)
            let (order, destination) = try XCTUnwrap(claimed.first)
            let deadTransfer = try await setup.instances[0].stripe.createTransfer(orderId: order.id, amount: order.sellerShare, destination: destination,
                                                                                  sourceTransaction: order.chargeId!)

            let whileClaimed = await setup.instances[1].holds.releaseDue()
            XCTAssertEqual(whileClaimed.released, [], "the claim is live")
            setup.harness.clock.advance(by: PayoutHoldService.claimLease)
            let afterLapse = await setup.instances[1].holds.releaseDue()
            XCTAssertEqual(afterLapse.released, orders)
            let stored = try await setup.instances[2].orders.order(id: order.id)
            XCTAssertEqual(stored?.transferId, deadTransfer, "Stripe's first answer, not a second transfer")
            let counts = setup.counter.counts.withLock { $0 }
            XCTAssertEqual(counts.posted, 2)
            XCTAssertEqual(counts.replayed, 1)
            XCTAssertEqual(try setup.transfersAtStripe(), 1)
        } catch {
            await setup.stop()
            throw error
        }
        await setup.stop()
    }

    /// Stripe delivers one event to two instances at once: one applies it, the other answers 200 as a repeat;
    /// the order is paid once, with one payment fact.
    func testTheSameWebhookEventOnTwoInstancesAtOnceMarksTheOrderPaidOnce() async throws {
        let setup = try await startInstances()
        do {
            let order = try await Webhook.pendingOrder(setup.instances[0])
            var paidAt: Date?
            for round in 0..<20 {
                let event = Webhook.completed("evt_race_\(round)")
                let receipts = try await withThrowingTaskGroup(of: (Bool, WebhookReceipt?).self) { group in
                    for instance in setup.instances.prefix(2) {
                        group.addTask {
                            try await setup.harness.withRouter(instance) { client, _ in
                                let response = try await Webhook.post(client, event, now: Date())
                                return (response.status == .ok, try? response.decoded(WebhookReceipt.self))
                            }
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                XCTAssertEqual(receipts.map(\.0), [true, true], "no error to Stripe")
                XCTAssertEqual(receipts.filter { $0.1?.duplicate == false }.count, 1, "round \(round): one delivery applies")
                XCTAssertEqual(receipts.filter { $0.1?.duplicate == true }.count, 1, "round \(round): the other is a repeat")
                if round == 0 {
                    let paid = try await setup.instances[1].orders.order(id: order.id)
                    XCTAssertEqual(paid?.state, .inReview)
                    paidAt = paid?.paidAt
                    XCTAssertNotNil(paidAt)
                    setup.harness.clock.advance(by: 60)
                }
            }
            let final = try await setup.instances[2].orders.order(id: order.id)
            XCTAssertEqual(final?.state, .inReview)
            XCTAssertEqual(final?.paidAt, paidAt, "paid once: later completions of the paid order leave its payment as it was")
            let facts = try await setup.pools[0].rows("SELECT count(*) FROM stripe_events WHERE id LIKE 'evt_race_%'").first?.decode(Int.self)
            XCTAssertEqual(facts, 20, "one payment fact per event")
            let listing = try await setup.instances[2].catalog.listing(slug: "shop")
            XCTAssertEqual(listing?.status, .sold, "the listing was marked sold in the payment's transaction")
        } catch {
            await setup.stop()
            throw error
        }
        await setup.stop()
    }

    /// The same request with the same `Idempotency-Key` reaching three instances at once: one claims it, the
    /// others are told it is in progress (then, once answered, get the first answer).
    func testOneIdempotencyKeyRacedOnThreeInstancesIsClaimedOnce() async throws {
        let setup = try await startInstances()
        do {
            let buyer = try await CatalogFixtures.seller(setup.instances[0], email: "buyer@example.com")
            let now = setup.harness.clock.now()
            for round in 0..<20 {
                let claims = try await withThrowingTaskGroup(of: IdempotencyClaim.self) { group in
                    for instance in setup.instances {
                        group.addTask {
                            try await instance.orders.claimIdempotencyKey(accountId: buyer.id, key: "k\(round)", requestHash: "h", now: now, lifetime: 3600)
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                XCTAssertEqual(claims.filter { $0 == .claimed }.count, 1, "round \(round): \(claims)")
                XCTAssertEqual(claims.filter { $0 == .inProgress }.count, 2, "round \(round): \(claims)")
            }
            try await setup.instances[0].orders.completeIdempotentRequest(accountId: buyer.id, key: "k0", status: 200, body: Data("{}".utf8))
            let replay = try await setup.instances[2].orders.claimIdempotencyKey(accountId: buyer.id, key: "k0", requestHash: "h", now: now, lifetime: 3600)
            XCTAssertEqual(replay, .replay(status: 200, body: Data("{}".utf8)))
        } catch {
            await setup.stop()
            throw error
        }
        await setup.stop()
    }
}
