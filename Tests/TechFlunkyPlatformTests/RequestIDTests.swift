import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

/// `X-Request-Id`: taken from the caller when sane, made up otherwise, echoed in every response (errors and
/// connection-level cache hits too) and carried by every log line written while the request is answered.
final class RequestIDTests: XCTestCase {
    func testASaneIdIsEchoedAndAnInsaneOrMissingOneIsReplaced() async throws {
        let harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        try await harness.withRouter { client, _ in
            let given = try await client.execute(uri: "/healthz", method: .get, headers: [.requestID: "ticket-4711/retry.2"])
            XCTAssertEqual(given.headers[.requestID], "ticket-4711/retry.2")

            let missing = try await client.execute(uri: "/healthz", method: .get)
            let generated = try XCTUnwrap(missing.headers[.requestID])
            XCTAssertEqual(generated.count, 32)
            XCTAssertTrue(generated.allSatisfy(\.isHexDigit), generated)
            let another = try await client.execute(uri: "/healthz", method: .get)
            XCTAssertNotEqual(another.headers[.requestID], generated, "each request gets its own id")

            for insane in ["has space", String(repeating: "a", count: 129), "tab\tinside", "naïve"] {
                let response = try await client.execute(uri: "/healthz", method: .get, headers: [.requestID: insane])
                let echoed = try XCTUnwrap(response.headers[.requestID])
                XCTAssertNotEqual(echoed, insane)
                XCTAssertEqual(echoed.count, 32, "replaced by a generated id")
            }
            let longest = try await client.execute(uri: "/healthz", method: .get, headers: [.requestID: String(repeating: "b", count: 128)])
            XCTAssertEqual(longest.headers[.requestID], String(repeating: "b", count: 128), "128 characters is still accepted")

            // Errors too: an unknown route, a refused token, a malformed body.
            let notFound = try await client.execute(uri: "/api/nowhere", method: .get, headers: [.requestID: "r-404"])
            XCTAssertEqual(notFound.status, .notFound)
            XCTAssertEqual(notFound.headers[.requestID], "r-404")
            let unauthorized = try await client.execute(uri: "/api/me", method: .get, headers: [.requestID: "r-401", .authorization: "Bearer nope"])
            XCTAssertEqual(unauthorized.status, .unauthorized)
            XCTAssertEqual(unauthorized.headers[.requestID], "r-401")
            let malformed = try await client.execute(uri: "/api/auth/signup", method: .post,
                                                     headers: [.requestID: "r-400", .contentType: "application/json"], body: ByteBuffer(string: "{"))
            XCTAssertEqual(malformed.status, .badRequest)
            XCTAssertEqual(malformed.headers[.requestID], "r-400")
        }
    }

    /// Each request's lines (its route's, the Stripe client's, the error middleware's) name that request's id,
    /// and no other request's.
    func testEveryLogLineOfARequestCarriesItsId() async throws {
        var harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        let sink = CollectingLogHandler.Sink()
        harness.configuration.logger = Logger(label: "test") { _ in CollectingLogHandler(sink: sink) }
        // No Stripe transport: the checkout fails in the Stripe client, which logs nothing, then as a 502 envelope.
        let services = try harness.services()
        _ = try await Webhook.pendingOrder(services)
        // The webhook below sells `shop`; the checkout goes to a listing still for sale.
        let other = try await CatalogFixtures.seller(services, email: "other-seller@example.com")
        try await CatalogFixtures.list(services, slug: "second-shop", seller: other, CatalogFixtures.details(title: "Second shop", price: 20_000))
        try await harness.withRouter(services) { client, _ in
            func lines(of id: String, _ request: () async throws -> TestResponse) async throws -> (TestResponse, [String]) {
                let before = sink.lock.withLock { sink.lines.count }
                let response = try await request()
                XCTAssertEqual(response.headers[.requestID], id)
                return (response, sink.lock.withLock { Array(sink.lines[before...]) })
            }
            let (created, signup) = try await lines(of: "req-signup") {
                try await client.execute(uri: "/api/auth/signup", method: .post, headers: [.contentType: "application/json", .requestID: "req-signup"],
                                         body: jsonBody(SignupRequest(email: "ria@example.com", password: "long enough pw", displayName: "Ria")))
            }
            XCTAssertTrue(signup.contains { $0.contains("account created") }, signup.joined(separator: "\n"))
            let token = try created.decoded(AuthResponse.self).token

            let (_, refused) = try await lines(of: "req-login") {
                try await client.execute(uri: "/api/auth/login", method: .post, headers: [.contentType: "application/json", .requestID: "req-login"],
                                         body: jsonBody(LoginRequest(email: "ria@example.com", password: "wrong password")))
            }
            XCTAssertTrue(refused.contains { $0.contains("sign-in refused") }, refused.joined(separator: "\n"))

            let (_, webhook) = try await lines(of: "req-webhook") {
                try await Webhook.post(client, Webhook.completed("evt_rid"), now: Date(), requestID: "req-webhook")
            }
            XCTAssertTrue(webhook.contains { $0.contains("stripe event") }, webhook.joined(separator: "\n"))

            var headers = bearer(token)
            headers[.requestID] = "req-checkout"
            let (failed, checkout) = try await lines(of: "req-checkout") {
                try await client.execute(uri: "/api/checkout/create-session", method: .post, headers: headers,
                                         body: jsonBody(CreateCheckoutSessionRequest(listingSlug: "second-shop")))
            }
            XCTAssertEqual(failed.status, .badGateway, "without a Stripe client the checkout fails")
            XCTAssertFalse(checkout.isEmpty, "the failed checkout was logged")
            for (id, group) in [("req-signup", signup), ("req-login", refused), ("req-webhook", webhook), ("req-checkout", checkout)] {
                for line in group {
                    XCTAssertTrue(line.contains("\"request_id\": \(id)"), "a line of \(id) without its id: \(line)")
                }
            }
        }
    }
}
