import Foundation
import Logging
import TechFlunkyCore
import TechFlunkyHTTP

/// The platform's calls to Stripe (or the stand-in) over `TechFlunkyHTTP`: form-encoded bodies with bracket
/// keys, `Authorization: Bearer sk_…`, a pinned `Stripe-Version`, and an `Idempotency-Key` on every POST (the
/// caller chooses stable keys where a repeat must not act twice, such as a hold's transfer).
public struct StripeClient: Sendable {
    /// The API version of the reference document (../shared/specs/stripe.openapi.json, API 2023-08-16), so
    /// what we send and read is what the contract check holds us to.
    public static let apiVersion = "2023-08-16"
    let base: String
    let secretKey: String
    let transport: (any HTTPTransport)?
    let logger: Logger

    public init(base: String, secretKey: String, transport: (any HTTPTransport)?, logger: Logger) {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix("/v1") { base.removeLast(3) }
        self.base = base
        self.secretKey = secretKey
        self.transport = transport
        self.logger = logger
    }

    // MARK: Typed calls

    public struct CreatedCheckoutSession: Sendable {
        public var id: String
        public var url: String
        public var expiresAt: Date
    }

    /// A Checkout Session on the platform account for one order (separate charges and transfers: no
    /// application fee; the platform keeps what it does not transfer).
    public func createCheckoutSession(orderId: String, listingSlug: String, title: String, amount: Money, buyerEmail: String,
                                      successURL: String, cancelURL: String) async throws -> CreatedCheckoutSession {
        let params: [(String, String)] = [
            ("mode", "payment"),
            ("line_items[0][quantity]", "1"),
            ("line_items[0][price_data][currency]", amount.currency.code.lowercased()),
            ("line_items[0][price_data][unit_amount]", String(amount.minorUnits)),
            ("line_items[0][price_data][product_data][name]", String(title.prefix(250))),
            ("payment_intent_data[transfer_group]", orderId),
            ("payment_intent_data[metadata][order_id]", orderId),
            ("client_reference_id", orderId),
            ("customer_email", buyerEmail),
            ("metadata[order_id]", orderId),
            ("metadata[listing_slug]", listingSlug),
            ("success_url", successURL),
            ("cancel_url", cancelURL),
        ]
        let session = try await post("/v1/checkout/sessions", params, idempotencyKey: "checkout-session-\(orderId)", operation: "create a checkout session")
        guard let id = session["id"].string, let url = session["url"].string, let expires = session["expires_at"].int else {
            throw StripeError(kind: .unexpectedResponse, operation: "create a checkout session", message: "no id, url or expires_at")
        }
        return CreatedCheckoutSession(id: id, url: url, expiresAt: Date(timeIntervalSince1970: TimeInterval(expires)))
    }

    /// The session with its PaymentIntent expanded (whose `latest_charge` is the transfer's source transaction).
    public func retrieveCheckoutSession(id: String) async throws -> StripeJSON {
        try await get("/v1/checkout/sessions/\(PercentEncoding.segment(id))", query: [("expand[]", "payment_intent")], operation: "read a checkout session")
    }

    public func retrieveCharge(id: String) async throws -> StripeJSON {
        try await get("/v1/charges/\(PercentEncoding.segment(id))", query: [], operation: "read a charge")
    }

    /// An Express connected account able to receive transfers.
    public func createExpressAccount(email: String, platformAccountId: String) async throws -> String {
        let account = try await post("/v1/accounts", [
            ("type", "express"),
            ("email", email),
            ("capabilities[transfers][requested]", "true"),
            ("metadata[techflunky_account]", platformAccountId),
        ], idempotencyKey: "connect-account-\(platformAccountId)", operation: "create a seller account")
        guard let id = account["id"].string else {
            throw StripeError(kind: .unexpectedResponse, operation: "create a seller account", message: "no id")
        }
        return id
    }

    public func retrieveAccount(id: String) async throws -> StripeJSON {
        try await get("/v1/accounts/\(PercentEncoding.segment(id))", query: [], operation: "read a seller account")
    }

    public func createOnboardingLink(account: String, refreshURL: String, returnURL: String) async throws -> String {
        let link = try await post("/v1/account_links", [
            ("account", account), ("refresh_url", refreshURL), ("return_url", returnURL), ("type", "account_onboarding"),
        ], idempotencyKey: UUID().uuidString, operation: "create an onboarding link")
        guard let url = link["url"].string else {
            throw StripeError(kind: .unexpectedResponse, operation: "create an onboarding link", message: "no url")
        }
        return url
    }

    /// Releases a seller's share: the key is derived from the order so a repeat (after a crash or restart)
    /// returns the same transfer instead of paying twice.
    public func createTransfer(orderId: String, amount: Money, destination: String, sourceTransaction: String) async throws -> String {
        let transfer = try await post("/v1/transfers", [
            ("amount", String(amount.minorUnits)),
            ("currency", amount.currency.code.lowercased()),
            ("destination", destination),
            ("transfer_group", orderId),
            ("source_transaction", sourceTransaction),
            ("metadata[order_id]", orderId),
        ], idempotencyKey: "hold-release-\(orderId)", operation: "transfer the seller's share")
        guard let id = transfer["id"].string else {
            throw StripeError(kind: .unexpectedResponse, operation: "transfer the seller's share", message: "no id")
        }
        return id
    }

    /// Takes a released transfer back (a refund after release).
    public func reverseTransfer(id: String, orderId: String) async throws -> String {
        let reversal = try await post("/v1/transfers/\(PercentEncoding.segment(id))/reversals", [("metadata[order_id]", orderId)],
                                      idempotencyKey: "hold-reversal-\(orderId)", operation: "reverse a transfer")
        return reversal["id"].string ?? ""
    }

    // MARK: Wire

    public func post(_ path: String, _ params: [(String, String)], idempotencyKey: String, operation: String) async throws -> StripeJSON {
        var headers = try baseHeaders(operation: operation)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Idempotency-Key"] = idempotencyKey
        // With an idempotency key a retried POST cannot act twice, so the HTTP layer may retry it.
        let request = HTTPRequest(method: .POST, url: base + path, headers: headers, body: Data(StripeFormEncoder.encode(params).utf8), retryable: true)
        return try await send(request, operation: operation)
    }

    public func get(_ path: String, query: [(String, String)], operation: String) async throws -> StripeJSON {
        let url = base + path + (query.isEmpty ? "" : "?" + StripeFormEncoder.encode(query))
        return try await send(HTTPRequest(method: .GET, url: url, headers: try baseHeaders(operation: operation)), operation: operation)
    }

    private func baseHeaders(operation: String) throws -> HTTPHeaders {
        guard !secretKey.isEmpty else { throw StripeError(kind: .notConfigured, operation: operation, message: "set STRIPE_SECRET_KEY") }
        return ["Authorization": "Bearer \(secretKey)", "Stripe-Version": Self.apiVersion, "Accept": "application/json"]
    }

    private func send(_ request: HTTPRequest, operation: String) async throws -> StripeJSON {
        guard let transport else { throw StripeError(kind: .notConfigured, operation: operation, message: "no HTTP client is configured") }
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch {
            logger.warning("stripe unreachable", metadata: ["operation": "\(operation)", "error": "\(error)"])
            throw StripeError(kind: .unreachable, operation: operation, message: "\(error)")
        }
        let body = try? StripeJSON.parse(response.body)
        guard (200..<300).contains(response.status) else {
            let error = body?["error"] ?? .null
            let failure = StripeError(kind: .api(status: response.status, type: error["type"].string ?? "api_error", code: error["code"].string,
                                                 param: error["param"].string),
                                      operation: operation, message: error["message"].string ?? "HTTP \(response.status)")
            logger.warning("stripe refused", metadata: ["operation": "\(operation)", "status": "\(response.status)",
                                                        "type": "\(error["type"].string ?? "")", "code": "\(error["code"].string ?? "")"])
            throw failure
        }
        guard let body else { throw StripeError(kind: .unexpectedResponse, operation: operation, message: "the body is not JSON") }
        return body
    }
}
