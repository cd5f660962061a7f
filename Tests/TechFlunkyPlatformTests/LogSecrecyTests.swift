import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import TechFlunkyCore
import TechFlunkyHTTP
import TechFlunkySandbox
import XCTest
@testable import TechFlunkyPlatform

/// Collects every log line (message and metadata) so tests can look for secrets in them. A struct, as swift-log
/// expects of a handler: each copy of a logger has its own metadata. (As a class, PostgresNIO's connections setting
/// their connection id on their copies on event-loop threads wrote one shared dictionary at once and crashed.)
struct CollectingLogHandler: LogHandler, Sendable {
    // @unchecked: `lines` is only touched while holding `lock`.
    final class Sink: @unchecked Sendable {
        let lock = NSLock()
        var lines: [String] = []
        var text: String { lock.withLock { lines.joined(separator: "\n") } }
    }

    let sink: Sink
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    init(sink: Sink) { self.sink = sink }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        let all = self.metadata.merging(metadata ?? [:]) { $1 }
        sink.lock.withLock { sink.lines.append("\(level) \(message) \(all)") }
    }
}

final class LogSecrecyTests: XCTestCase {
    func testPasswordsTokensAndSecretsNeverReachTheLogs() async throws {
        let sink = CollectingLogHandler.Sink()
        try await forEachEngine(configure: {
            $0.configuration.logger = Logger(label: "test") { _ in CollectingLogHandler(sink: sink) }
            $0.configuration.stripeSecretKey = "sk_test_never_logged"
        }) { harness, services, _ in
            _ = try await Webhook.pendingOrder(services)
            try await harness.withRouter(services) { client, _ in
                let signup = try await client.execute(uri: "/api/auth/signup", method: .post, headers: [.contentType: "application/json"],
                                                      body: jsonBody(SignupRequest(email: "dee@example.com", password: "hunter2-password", displayName: "Dee")))
                let token = try signup.decoded(AuthResponse.self).token
                _ = try await client.execute(uri: "/api/auth/login", method: .post, headers: [.contentType: "application/json"],
                                             body: jsonBody(LoginRequest(email: "dee@example.com", password: "wrong-hunter2")))
                _ = try await client.execute(uri: "/api/me", method: .get, headers: bearer(token))
                _ = try await client.execute(uri: "/api/checkout/create-session", method: .post, headers: bearer(token),
                                             body: jsonBody(CreateCheckoutSessionRequest(listingSlug: "shop")))
                _ = try await Webhook.post(client, Webhook.completed("evt_log"), now: Date())
                _ = try await Webhook.post(client, Webhook.completed("evt_bad"), now: Date(), secret: "whsec_wrong")
                let text = sink.text
                XCTAssertFalse(text.isEmpty, "something was logged")
                for secret in ["hunter2", token, SessionToken.hash(token), "sk_test_never_logged", "whsec_test_secret", "pbkdf2-sha256"] {
                    XCTAssertFalse(text.contains(secret), "the logs contain a secret: \(secret.prefix(8))…")
                }
            }
        }
    }

    /// A whole purchase over loopback, the platform and the Stripe stand-in both logging at trace level:
    /// sign-ups, a wrong password, seller onboarding, a declined and an accepted test card on the hosted page,
    /// signed webhooks, the hold's release. No line of either log holds a password, a session token or its
    /// hash, the Stripe key, the webhook secret or a card number; every platform line written while a
    /// request was answered names its request.
    func testAWholePurchaseLogsNoSecretAndNoCardNumber() async throws {
        try await forEachServerEngine { engine in
            var harness = try PlatformTestHarness()
            defer { harness.cleanUp() }
            let sink = CollectingLogHandler.Sink()
            // One logger each: the sandbox quietens its server's copy of its logger.
            func collecting() -> Logger { Logger(label: "test") { _ in CollectingLogHandler(sink: sink) } }
            let clock = MovableClock()
            let sandbox = try await SandboxServer.start(SandboxConfiguration(
                dataDir: harness.directory.appendingPathComponent("sandbox"), stripeWebhookSecret: "whsec_journey_secret",
                stripeSecretKey: "sk_test_journey_key", logger: collecting(), clock: MovableClock(following: clock)))
            harness.configuration.logger = collecting()
            harness.configuration.clock = clock
            harness.configuration.stripeAPIBase = sandbox.stripeAPIBase
            harness.configuration.stripeSecretKey = "sk_test_journey_key"
            harness.configuration.stripeWebhookSecret = "whsec_journey_secret"
            harness.configuration.httpTransport = CurlHTTPClient()
            try await harness.use(engine)
            let platform = try await PlatformServer.start(harness.configuration)
            XCTAssertEqual(platform.services.postgres != nil, engine == .postgres, "the platform runs on the engine asked for")
            await sandbox.setStripeWebhook(url: platform.baseURL + "/api/checkout/webhook", secret: "whsec_journey_secret")
            let live = PurchaseFlowTests.Live(harness: harness, sandbox: sandbox, platform: platform)
            let services = platform.services

            let passwords = ["seller-pw-Q7x!2", "buyer-pw-Z9k!4", "wrong-pw-M3v!8"]
            func signUp(_ email: String, _ password: String) async throws -> AuthResponse {
                let r = try await live.call(.POST, "/api/auth/signup", json: #"{"email":"\#(email)","password":"\#(password)","displayName":"\#(email)"}"#)
                return try WireJSON.decode(AuthResponse.self, from: r.body)
            }
            let seller = try await signUp("seller@example.com", passwords[0])
            let buyer = try await signUp("buyer@example.com", passwords[1])
            let refused = try await live.call(.POST, "/api/auth/login", json: #"{"email":"buyer@example.com","password":"\#(passwords[2])"}"#)
            XCTAssertEqual(refused.status, 401)
            try await CatalogFixtures.list(services, slug: "shop", seller: seller.account, CatalogFixtures.details(title: "Shop", price: 9_900))
            let account = try WireJSON.decode(SellerAccountStatus.self, from: try await live.call(.POST, "/api/seller/create-account", token: seller.token).body)
            _ = try await live.http.send(TechFlunkyHTTP.HTTPRequest(
                method: .POST, url: "\(sandbox.baseURL)/sandbox/accounts/\(try XCTUnwrap(account.stripeAccountId))/complete-onboarding"))
            try await live.eventually("onboarding") { try await services.accounts.sellerState(accountId: seller.account.id).onboardingComplete }

            let created = try await live.call(.POST, "/api/checkout/create-session", token: buyer.token, json: #"{"listingSlug":"shop"}"#)
            let session = try WireJSON.decode(CheckoutSessionResponse.self, from: created.body)
            // The buyer's browser on the hosted page: the declined card first, then the good one.
            let cards = ["4000000000000002", "4242424242424242"]
            for card in cards {
                _ = try await live.http.send(TechFlunkyHTTP.HTTPRequest(
                    method: .POST, url: session.checkoutURL + "/pay", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                    body: Data("card=\(card)".utf8), retryable: false))
            }
            try await live.eventually("payment") { try await services.orders.order(id: session.orderId)?.state == .inReview }
            _ = try await live.call(.POST, "/api/sandbox/advance", token: buyer.token, json: #"{"seconds":\#(3 * 86_400 + 60)}"#)
            let released = try await services.orders.order(id: session.orderId)?.state
            XCTAssertEqual(released, .released)
            _ = try await live.call(.GET, "/api/orders", token: buyer.token)
            _ = try await live.call(.GET, "/api/seller/payouts", token: seller.token)
            await live.stop()

            let lines = sink.lock.withLock { sink.lines }
            XCTAssertTrue(lines.contains { $0.contains("payout released") }, "the journey was logged: \(lines.joined(separator: "\n"))")
            XCTAssertTrue(lines.contains { $0.contains("checkout session created") && $0.contains("\"request_id\": ") },
                          "lines written while answering a request name it")
            var secrets = passwords + [seller.token, buyer.token, SessionToken.hash(seller.token), SessionToken.hash(buyer.token),
                                       "sk_test_journey_key", "whsec_journey_secret", "pbkdf2-sha256"]
            for card in cards {
                let groups: [String] = stride(from: 0, to: 16, by: 4).map { i in String(card.dropFirst(i).prefix(4)) }
                secrets += [card, groups.joined(separator: " ")]
            }
            for line in lines {
                for secret in secrets where line.contains(secret) {
                    XCTFail("a log line holds a secret (\(secret.prefix(6))…): \(line)")
                }
            }
        }
    }
}
