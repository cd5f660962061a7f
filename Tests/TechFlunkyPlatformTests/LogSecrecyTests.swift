import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

/// Collects every log line (message and metadata) so tests can look for secrets in them.
final class CollectingLogHandler: LogHandler, @unchecked Sendable {
    // @unchecked: `lines` is only touched while holding `lock`; the handler's own fields are set before use.
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
        var harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        let sink = CollectingLogHandler.Sink()
        harness.configuration.logger = Logger(label: "test") { _ in CollectingLogHandler(sink: sink) }
        harness.configuration.stripeSecretKey = "sk_test_never_logged"
        let services = try harness.services()
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
