import Foundation
import TechFlunkyCore
import TechFlunkyHTTP
import TechFlunkySandbox
import XCTest
@testable import TechFlunkyPlatform

/// The whole purchase over real loopback HTTP: the platform and the Stripe stand-in on kernel-chosen ports,
/// the platform's Stripe calls through libcurl, webhooks signed and delivered by the stand-in.
final class PurchaseFlowTests: XCTestCase {
    struct Live {
        var harness: PlatformTestHarness
        let sandbox: SandboxServer
        var platform: RunningPlatform
        let http = CurlHTTPClient()

        func call(_ method: TechFlunkyHTTP.HTTPMethod, _ path: String, token: String? = nil, json: String? = nil,
                  headers extra: [(String, String)] = []) async throws -> (status: Int, body: Data, headers: HTTPHeaders) {
            var headers: HTTPHeaders = ["Content-Type": "application/json"]
            if let token { headers["Authorization"] = "Bearer \(token)" }
            for (name, value) in extra { headers[name] = value }
            let response = try await http.send(TechFlunkyHTTP.HTTPRequest(method: method, url: platform.baseURL + path, headers: headers,
                                                                          body: json.map { Data($0.utf8) }, retryable: false))
            return (response.status, response.body, response.headers)
        }

        func signUp(_ email: String) async throws -> AuthResponse {
            let r = try await call(.POST, "/api/auth/signup", json: #"{"email":"\#(email)","password":"long enough","displayName":"\#(email)"}"#)
            return try WireJSON.decode(AuthResponse.self, from: r.body)
        }

        /// Polls until `condition` holds (webhooks arrive asynchronously), failing after a few seconds.
        func eventually(_ what: String, _ condition: () async throws -> Bool) async throws {
            for _ in 0..<100 {
                if try await condition() { return }
                try await Task.sleep(for: .milliseconds(100))
            }
            XCTFail("timed out waiting for \(what)")
        }

        func stop() async {
            await platform.stop()
            await sandbox.stop()
        }
    }

    func startLive(on engine: StorageEngine = .sqlite) async throws -> Live {
        var harness = try PlatformTestHarness()
        // The stand-in's clock follows the platform's, as in the embedded default.
        let clock = MovableClock()
        let sandboxClock = MovableClock(following: clock)
        let sandbox = try await SandboxServer.start(SandboxConfiguration(
            dataDir: harness.directory.appendingPathComponent("sandbox"), stripeWebhookSecret: "whsec_test_secret",
            stripeSecretKey: "sk_test_platform", clock: sandboxClock))
        harness.configuration.clock = clock
        harness.configuration.stripeAPIBase = sandbox.stripeAPIBase
        harness.configuration.stripeSecretKey = "sk_test_platform"
        harness.configuration.httpTransport = CurlHTTPClient()
        try await harness.use(engine)
        let platform = try await PlatformServer.start(harness.configuration)
        XCTAssertEqual(platform.services.postgres != nil, engine == .postgres, "the platform runs on the engine asked for")
        await sandbox.setStripeWebhook(url: platform.baseURL + "/api/checkout/webhook", secret: "whsec_test_secret")
        return Live(harness: harness, sandbox: sandbox, platform: platform)
    }

    func testWholePurchaseIdempotencyHoldReleaseAndRestart() async throws {
        try await forEachServerEngine { engine in
            var live = try await startLive(on: engine)
            defer { live.harness.cleanUp() }
            let services = live.platform.services

            // A seller with a listing and a finished Connect onboarding.
            let seller = try await live.signUp("seller@example.com")
            try await CatalogFixtures.list(services, slug: "shop", seller: seller.account, CatalogFixtures.details(title: "Shop", price: 12_345))
            let created = try await live.call(.POST, "/api/seller/create-account", token: seller.token)
            XCTAssertEqual(created.status, 200, String(decoding: created.body, as: UTF8.self))
            let status = try WireJSON.decode(SellerAccountStatus.self, from: created.body)
            let stripeAccount = try XCTUnwrap(status.stripeAccountId)
            XCTAssertFalse(status.onboardingComplete)
            XCTAssertNotNil(status.onboardingURL)
            _ = try await live.http.send(TechFlunkyHTTP.HTTPRequest(method: .POST, url: "\(live.sandbox.baseURL)/sandbox/accounts/\(stripeAccount)/complete-onboarding"))
            try await live.eventually("account.updated") { try await services.accounts.sellerState(accountId: seller.account.id).onboardingComplete }
            let refreshed = try WireJSON.decode(SellerAccountStatus.self, from: try await live.call(.GET, "/api/seller/account", token: seller.token).body)
            XCTAssertTrue(refreshed.onboardingComplete)
            XCTAssertNil(refreshed.onboardingURL)

            // Checkout with an idempotency key: the same body replays, another body is refused.
            let buyer = try await live.signUp("buyer@example.com")
            let first = try await live.call(.POST, "/api/checkout/create-session", token: buyer.token, json: #"{"listingSlug":"shop"}"#, headers: [("Idempotency-Key", "k1")])
            XCTAssertEqual(first.status, 200, String(decoding: first.body, as: UTF8.self))
            let session = try WireJSON.decode(CheckoutSessionResponse.self, from: first.body)
            XCTAssertEqual(session.amount, .usd(12_345))
            XCTAssertEqual(session.platformFee, .usd(1_852))
            XCTAssertEqual(session.sellerShare, .usd(10_493))
            XCTAssertEqual(session.holdDays, 3)
            XCTAssertTrue(session.checkoutURL.hasPrefix(live.sandbox.baseURL))
            let replay = try await live.call(.POST, "/api/checkout/create-session", token: buyer.token, json: #"{ "listingSlug" : "shop" }"#, headers: [("Idempotency-Key", "k1")])
            XCTAssertEqual(replay.body, first.body)
            XCTAssertEqual(replay.headers["Idempotent-Replayed"], "true")
            let other = try await live.call(.POST, "/api/checkout/create-session", token: buyer.token, json: #"{"listingSlug":"other"}"#, headers: [("Idempotency-Key", "k1")])
            XCTAssertEqual(other.status, 422)
            XCTAssertEqual(try WireJSON.decode(APIErrorBody.self, from: other.body).error.code, APIErrorCode.idempotencyMismatch)
            let withoutKey = try await live.call(.POST, "/api/checkout/create-session", token: buyer.token, json: #"{"listingSlug":"shop"}"#)
            XCTAssertEqual(try WireJSON.decode(CheckoutSessionResponse.self, from: withoutKey.body).orderId, session.orderId,
                           "an open checkout for the same listing is handed back, not doubled")
            let sessionOnStripe = try await services.stripe.retrieveCheckoutSession(id: session.sessionId)
            XCTAssertEqual(sessionOnStripe["client_reference_id"].string, session.orderId)
            XCTAssertEqual(sessionOnStripe["amount_total"].int, 12_345)

            // Pay with the test card; the signed webhook marks the order paid and starts the hold.
            let pay = try await live.call(.POST, "/api/sandbox/pay", token: buyer.token, json: #"{"orderId":"\#(session.orderId)"}"#)
            XCTAssertEqual(pay.status, 200, String(decoding: pay.body, as: UTF8.self))
            XCTAssertEqual(try WireJSON.decode(Order.self, from: pay.body).state, .inReview, "pay answers once the webhook is processed")
            try await live.eventually("payment") { try await services.orders.order(id: session.orderId)?.state == .inReview }
            let again = try await live.call(.POST, "/api/checkout/create-session", token: buyer.token, json: #"{"listingSlug":"shop"}"#, headers: [("Idempotency-Key", "k2")])
            XCTAssertEqual(try WireJSON.decode(APIErrorBody.self, from: again.body).error.code, APIErrorCode.alreadyOwned)

            var payouts = try WireJSON.decode(PayoutsResponse.self, from: try await live.call(.GET, "/api/seller/payouts", token: seller.token).body)
            XCTAssertEqual(payouts.payouts.map(\.state), [.inReview])
            XCTAssertEqual(payouts.totals.first { $0.state == .inReview }?.amount, .usd(10_493))

            // Just short of three days nothing is released; past it the transfer is made once.
            _ = try await live.call(.POST, "/api/sandbox/advance", token: buyer.token, json: #"{"seconds":259000}"#)
            let value1 = try await services.orders.order(id: session.orderId)?.state
            XCTAssertEqual(value1, .inReview)
            _ = try await live.call(.POST, "/api/sandbox/advance", token: buyer.token, json: #"{"seconds":3600}"#)
            let unwrapped2 = try await services.orders.order(id: session.orderId)
            let released = try XCTUnwrap(unwrapped2)
            XCTAssertEqual(released.state, .released)
            let transferId = try XCTUnwrap(released.transferId)
            let transfer = try await services.stripe.get("/v1/transfers/\(transferId)", query: [], operation: "test")
            XCTAssertEqual(transfer["destination"].string, stripeAccount)
            XCTAssertEqual(transfer["transfer_group"].string, session.orderId)
            XCTAssertEqual(transfer["source_transaction"].string, released.chargeId)
            XCTAssertEqual(transfer["amount"].int, 10_493)
            payouts = try WireJSON.decode(PayoutsResponse.self, from: try await live.call(.GET, "/api/seller/payouts", token: seller.token).body)
            XCTAssertEqual(payouts.payouts.first?.transferId, transferId)

            // A refund after release takes the transfer back.
            let charge = try XCTUnwrap(released.chargeId)
            _ = try await live.http.send(TechFlunkyHTTP.HTTPRequest(method: .POST, url: "\(live.sandbox.baseURL)/sandbox/trigger/refund",
                                                                     headers: ["Content-Type": "application/json"], body: Data(#"{"charge":"\#(charge)"}"#.utf8)))
            try await live.eventually("refund after release") { try await services.orders.order(id: session.orderId)?.state == .refunded }
            try await live.eventually("transfer reversal") {
                let reversed = try await services.stripe.get("/v1/transfers/\(transferId)", query: [], operation: "test")
                return reversed["amount_reversed"].int == 10_493
            }

            // Restart on the same database: nothing is released twice.
            await live.platform.stop()
            live.platform = try await PlatformServer.start(live.harness.configuration)
            let report = await live.platform.services.holds.releaseDue()
            XCTAssertTrue(report.released.isEmpty)
            let value3 = try await live.platform.services.orders.order(id: session.orderId)?.transferId
            XCTAssertEqual(value3, transferId)
            await live.stop()
        }
    }

    /// A hold that came due while the server was down is released after the restart, exactly once, and a
    /// refund during review cancels the release.
    func testDueHoldIsReleasedAfterRestartAndRefundCancelsRelease() async throws {
        try await forEachServerEngine { engine in
            var live = try await startLive(on: engine)
            defer { live.harness.cleanUp() }
            var services = live.platform.services
            let seller = try await live.signUp("seller@example.com")
            try await CatalogFixtures.list(services, slug: "one", seller: seller.account, CatalogFixtures.details(title: "One", price: 5_000))
            try await CatalogFixtures.list(services, slug: "two", seller: seller.account, CatalogFixtures.details(title: "Two", price: 7_000))
            let account = try WireJSON.decode(SellerAccountStatus.self, from: try await live.call(.POST, "/api/seller/create-account", token: seller.token).body)
            _ = try await live.http.send(TechFlunkyHTTP.HTTPRequest(method: .POST, url: "\(live.sandbox.baseURL)/sandbox/accounts/\(account.stripeAccountId!)/complete-onboarding"))
            try await live.eventually("onboarding") { try await services.accounts.sellerState(accountId: seller.account.id).onboardingComplete }
            let buyer = try await live.signUp("buyer@example.com")
            var orders: [String] = []
            for slug in ["one", "two"] {
                let r = try await live.call(.POST, "/api/checkout/create-session", token: buyer.token, json: #"{"listingSlug":"\#(slug)"}"#)
                let id = try WireJSON.decode(CheckoutSessionResponse.self, from: r.body).orderId
                _ = try await live.call(.POST, "/api/sandbox/pay", token: buyer.token, json: #"{"orderId":"\#(id)"}"#)
                try await live.eventually("payment of \(slug)") { try await services.orders.order(id: id)?.state == .inReview }
                orders.append(id)
            }
            // Refund the second during review.
            let unwrapped4 = try await services.orders.order(id: orders[1])?.chargeId
            let charge = try XCTUnwrap(unwrapped4)
            _ = try await live.http.send(TechFlunkyHTTP.HTTPRequest(method: .POST, url: "\(live.sandbox.baseURL)/sandbox/trigger/refund",
                                                                     headers: ["Content-Type": "application/json"], body: Data(#"{"charge":"\#(charge)"}"#.utf8)))
            try await live.eventually("refund") { try await services.orders.order(id: orders[1])?.state == .refunded }

            // Down while the hold runs out.
            await live.platform.stop()
            (live.harness.configuration.clock as! MovableClock).advance(by: 3 * 86_400 + 1)
            live.platform = try await PlatformServer.start(live.harness.configuration)
            services = live.platform.services
            let report = await services.holds.releaseDue()
            XCTAssertEqual(report.released, [orders[0]])
            let value5 = try await services.orders.order(id: orders[1])?.state
            XCTAssertEqual(value5, .refunded)
            let value6 = try await services.orders.order(id: orders[1])?.transferId
            XCTAssertNil(value6)
            let second = await services.holds.releaseDue()
            XCTAssertTrue(second.released.isEmpty)
            let payouts = try WireJSON.decode(PayoutsResponse.self, from: try await live.call(.GET, "/api/seller/payouts", token: seller.token).body)
            XCTAssertEqual(Set(payouts.payouts.map(\.state)), [.released, .refunded])
            await live.stop()
        }
    }
}
