import Foundation
import Logging
import TechFlunkyCore
import TechFlunkyHTTP
import XCTest
@testable import TechFlunkyPlatform

/// Records what the Stripe client sends and answers with a fixed response, to check the wire format.
final class RecordingTransport: HTTPTransport, @unchecked Sendable {
    // @unchecked: `requests` is only touched while holding `lock`.
    private let lock = NSLock()
    private var recorded: [TechFlunkyHTTP.HTTPRequest] = []
    let status: Int
    let body: String

    init(status: Int, body: String) {
        self.status = status
        self.body = body
    }

    var requests: [TechFlunkyHTTP.HTTPRequest] { lock.withLock { recorded } }

    func send(_ request: TechFlunkyHTTP.HTTPRequest) async throws -> TechFlunkyHTTP.HTTPResponse {
        lock.withLock { recorded.append(request) }
        let response = TechFlunkyHTTP.HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: Data(body.utf8))
        ContractRecording.record(fake: "RecordingTransport", request, response)
        return response
    }

    func stream(_ request: TechFlunkyHTTP.HTTPRequest) async throws -> HTTPStreamingResponse {
        throw HTTPError.cancelled
    }
}

final class StripeClientTests: XCTestCase {
    func testCheckoutSessionRequestShape() async throws {
        let transport = RecordingTransport(status: 200, body: #"{"id":"cs_1","url":"https://checkout/cs_1","expires_at":1800000000}"#)
        let client = StripeClient(base: "https://api.stripe.test/v1/", secretKey: "sk_test_abc", transport: transport, logger: Logger(label: "t"))
        let session = try await client.createCheckoutSession(orderId: "ord_1", listingSlug: "shop", title: "Tea & Co", amount: .usd(12_345),
                                                             buyerEmail: "b@example.com", successURL: "http://x/ok", cancelURL: "http://x/no")
        XCTAssertEqual(session.id, "cs_1")
        XCTAssertEqual(session.expiresAt, Date(timeIntervalSince1970: 1_800_000_000))
        let request = try XCTUnwrap(transport.requests.first)
        XCTAssertEqual(request.url, "https://api.stripe.test/v1/checkout/sessions")
        XCTAssertEqual(request.headers["Authorization"], "Bearer sk_test_abc")
        XCTAssertEqual(request.headers["Stripe-Version"], StripeClient.apiVersion)
        XCTAssertEqual(request.headers["Idempotency-Key"], "checkout-session-ord_1")
        XCTAssertEqual(request.headers["Content-Type"], "application/x-www-form-urlencoded")
        let form = String(decoding: request.body ?? Data(), as: UTF8.self)
        for pair in ["mode=payment", "line_items[0][price_data][currency]=usd", "line_items[0][price_data][unit_amount]=12345",
                     "line_items[0][price_data][product_data][name]=Tea%20%26%20Co", "payment_intent_data[transfer_group]=ord_1",
                     "client_reference_id=ord_1", "metadata[order_id]=ord_1"] {
            XCTAssertTrue(form.contains(pair), "\(pair) in \(form)")
        }
        XCTAssertFalse(form.contains("application_fee"), "separate charges and transfers: no application fee")
    }

    func testStripeErrorEnvelopeBecomesAClearTypedError() async throws {
        let transport = RecordingTransport(status: 400, body: #"{"error":{"type":"invalid_request_error","code":"parameter_missing","message":"Missing required param: destination.","param":"destination"}}"#)
        let client = StripeClient(base: "https://api.stripe.test", secretKey: "sk_test_abc", transport: transport, logger: Logger(label: "t"))
        do {
            _ = try await client.createTransfer(orderId: "ord_1", amount: .usd(100), destination: "", sourceTransaction: "ch_1")
            XCTFail("expected an error")
        } catch let error as StripeError {
            XCTAssertEqual(error.kind, .api(status: 400, type: "invalid_request_error", code: "parameter_missing", param: "destination"))
            XCTAssertTrue(error.description.contains("Missing required param: destination."))
            XCTAssertFalse(error.description.contains("sk_test_abc"), "the key never appears in errors")
            XCTAssertFalse(error.isTransient)
        }
        XCTAssertEqual(transport.requests.first?.headers["Idempotency-Key"], "hold-release-ord_1", "a transfer's key is derived from its order")
    }

    func testUnconfiguredStripeFailsClearly() async {
        let client = StripeClient(base: "https://api.stripe.test", secretKey: "", transport: RecordingTransport(status: 200, body: "{}"), logger: Logger(label: "t"))
        do {
            _ = try await client.retrieveAccount(id: "acct_1")
            XCTFail("expected an error")
        } catch let error as StripeError {
            XCTAssertEqual(error.kind, .notConfigured)
        } catch {
            XCTFail("\(error)")
        }
    }
}
