import Foundation
import GRDB
import Hummingbird
import TechFlunkyCore

/// Stripe's HTTP surface (`/v1/…`), the hosted checkout and onboarding pages, and the sandbox's
/// payment and trigger API (`/sandbox/…`).
struct StripeRoutes: Sendable {
    let stripe: StripeStandIn

    func register(on router: Router<BasicRequestContext>) {
        router.post("/v1/checkout/sessions") { request, _ in
            await self.api(request, form: true) { db, form in try self.stripe.createCheckoutSession(db, form) }
        }
        router.get("/v1/checkout/sessions/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await self.api(request, form: false) { db, query in
                try self.stripe.retrieveCheckoutSession(db, id: id, expand: query.list("expand"))
            }
        }
        router.post("/v1/checkout/sessions/:id/expire") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await self.api(request, form: true) { db, _ in try self.stripe.expireCheckoutSession(db, id: id) }
        }
        router.get("/v1/checkout/sessions/:id/line_items") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await self.api(request, form: false) { db, _ in
                let s = try self.stripe.retrieveCheckoutSession(db, id: id, expand: ["line_items"])
                return s["line_items"] ?? nil
            }
        }
        router.post("/v1/accounts") { request, _ in
            await self.api(request, form: true) { db, form in try self.stripe.createAccount(db, form) }
        }
        router.get("/v1/accounts/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await self.api(request, form: false) { db, _ in try self.stripe.account(db, id, param: "account") }
        }
        router.post("/v1/account_links") { request, _ in
            await self.api(request, form: true) { db, form in try self.stripe.createAccountLink(db, form) }
        }
        router.post("/v1/transfers") { request, _ in
            await self.api(request, form: true) { db, form in try self.stripe.createTransfer(db, form) }
        }
        router.post("/v1/transfers/:id/reversals") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await self.api(request, form: true) { db, form in try self.stripe.createTransferReversal(db, transferId: id, form) }
        }
        router.post("/v1/refunds") { request, _ in
            await self.api(request, form: true) { db, form in try self.stripe.createRefund(db, form) }
        }
        for (path, type) in [("payment_intents", "payment_intent"), ("charges", "charge"), ("transfers", "transfer"),
                             ("refunds", "refund"), ("events", "event"), ("disputes", "dispute")] {
            router.get("/v1/\(path)/:id") { request, context in
                let id = context.parameters.get("id") ?? ""
                return await self.api(request, form: false) { db, query in
                    try self.stripe.retrieve(db, id: id, type: type, expand: query.list("expand"))
                }
            }
        }

        // Hosted pages.
        router.get("/checkout/:id") { _, context in
            await self.checkoutPage(id: context.parameters.get("id") ?? "", notice: nil)
        }
        router.post("/checkout/:id/pay") { request, context in
            let id = context.parameters.get("id") ?? ""
            let form = (try? StripeForm(encoded: String(decoding: try await ResponseBuilding.body(request), as: UTF8.self))) ?? StripeForm()
            let outcome: StripeStandIn.PaymentOutcome = form["card"] == "4000000000000002" ? .declined : .succeeded
            do {
                let session = try await self.stripe.sandboxOperation { db in try self.stripe.pay(db, sessionId: id, outcome: outcome) }
                if let success = session["success_url"]?.stringValue {
                    return ResponseBuilding.redirect(success.replacingOccurrences(of: "{CHECKOUT_SESSION_ID}", with: id))
                }
                return await self.checkoutPage(id: id, notice: "Payment complete. You can close this page.")
            } catch let error as StripeAPIError {
                return await self.checkoutPage(id: id, notice: error.message)
            } catch {
                return ResponseBuilding.html(500, "<p>\(HTMLText.escape("\(error)"))</p>")
            }
        }
        router.get("/connect/onboarding/:token") { _, context in
            await self.onboardingPage(token: context.parameters.get("token") ?? "")
        }
        router.post("/connect/onboarding/:token") { _, context in
            let token = context.parameters.get("token") ?? ""
            do {
                let link = try await self.stripe.database.writer.read { db in try self.stripe.onboardingLink(db, token: token) }
                guard let link else { return ResponseBuilding.html(404, Self.page("Link not found", "<p>This onboarding link does not exist.</p>")) }
                if link.expired { return ResponseBuilding.redirect(link.refreshURL) }
                _ = try await self.stripe.sandboxOperation { db in
                    try self.stripe.completeOnboarding(db, accountId: link.account, linkToken: token)
                }
                return ResponseBuilding.redirect(link.returnURL)
            } catch {
                return ResponseBuilding.html(500, Self.page("Error", "<p>\(HTMLText.escape("\(error)"))</p>"))
            }
        }

        // The sandbox's own API: pay without HTML, triggers in the spirit of `stripe trigger`.
        router.post("/sandbox/checkout/:id/pay") { request, context in
            let id = context.parameters.get("id") ?? ""
            let body = try await ResponseBuilding.jsonBody(request) ?? [:]
            guard let outcome = StripeStandIn.PaymentOutcome(rawValue: body["outcome"]?.stringValue ?? "succeeded") else {
                return ResponseBuilding.json(400, StripeAPIError.invalid("outcome", "outcome must be succeeded, processing or declined").json)
            }
            return await self.sandbox { db in try self.stripe.pay(db, sessionId: id, outcome: outcome) }
        }
        router.post("/sandbox/checkout/:id/expire") { _, context in
            let id = context.parameters.get("id") ?? ""
            return await self.sandbox { db in try self.stripe.expireCheckoutSession(db, id: id) }
        }
        router.post("/sandbox/trigger/:event") { request, context in
            let event = context.parameters.get("event") ?? ""
            let body = try await ResponseBuilding.jsonBody(request) ?? [:]
            return await self.trigger(event, body)
        }
        router.post("/sandbox/accounts/:id/complete-onboarding") { _, context in
            let id = context.parameters.get("id") ?? ""
            return await self.sandbox { db in try self.stripe.completeOnboarding(db, accountId: id) }
        }
        router.post("/sandbox/stripe/events/:id/resend") { _, context in
            let id = context.parameters.get("id") ?? ""
            do {
                guard try await self.stripe.resendEvent(id: id) else {
                    return ResponseBuilding.json(404, StripeAPIError.noSuch("event", id).json)
                }
                return ResponseBuilding.json(200, ["id": .string(id), "resent": true])
            } catch {
                return ResponseBuilding.json(500, StripeAPIError(status: 500, type: "api_error", code: nil, message: "\(error)").json)
            }
        }
        router.post("/sandbox/stripe/webhook-endpoint") { request, _ in
            let body = try await ResponseBuilding.jsonBody(request) ?? [:]
            guard let url = body["url"]?.stringValue, url.hasPrefix("http://"), let secret = body["secret"]?.stringValue,
                  secret.hasPrefix("whsec_") else {
                return ResponseBuilding.json(400, StripeAPIError.invalid("url", "body must be {\"url\": \"http://…\", \"secret\": \"whsec_…\"}").json)
            }
            await self.stripe.deliverer.setEndpoint(.init(url: url, secret: secret))
            return ResponseBuilding.json(200, ["url": .string(url)])
        }
        router.get("/sandbox/stripe/events") { _, _ in
            do {
                let list: [JSONValue] = try await self.stripe.database.writer.read { db in
                    try Row.fetchAll(db, sql: "SELECT id, type, attempts, delivered_at, failed, last_error FROM stripe_event ORDER BY created, rowid")
                        .map { row in
                            ["id": .from(row["id"] as String?), "type": .from(row["type"] as String?), "attempts": .int(row["attempts"]),
                             "delivered": .bool((row["delivered_at"] as Double?) != nil), "failed": .bool((row["failed"] as Int) != 0),
                             "last_error": .from(row["last_error"] as String?)]
                        }
                }
                return ResponseBuilding.json(200, ["data": .array(list)])
            } catch {
                return ResponseBuilding.json(500, ["error": ["message": .string("\(error)")]])
            }
        }
    }

    private func trigger(_ event: String, _ body: JSONValue) async -> Response {
        let charge = body["charge"]?.stringValue ?? ""
        let session = body["session"]?.stringValue ?? ""
        switch event {
        case "refund", "charge.refunded":
            guard !charge.isEmpty else { return ResponseBuilding.json(400, StripeAPIError.missing("charge").json) }
            return await sandbox { db in try self.stripe.triggerRefund(db, chargeId: charge, amount: body["amount"]?.intValue) }
        case "dispute", "charge.dispute.created":
            guard !charge.isEmpty else { return ResponseBuilding.json(400, StripeAPIError.missing("charge").json) }
            let reason = body["reason"]?.stringValue ?? "fraudulent"
            return await sandbox { db in try self.stripe.triggerDispute(db, chargeId: charge, reason: reason) }
        case "expire", "checkout.session.expired":
            guard !session.isEmpty else { return ResponseBuilding.json(400, StripeAPIError.missing("session").json) }
            return await sandbox { db in try self.stripe.expireCheckoutSession(db, id: session) }
        case "async_payment_succeeded", "checkout.session.async_payment_succeeded",
             "async_payment_failed", "checkout.session.async_payment_failed":
            guard !session.isEmpty else { return ResponseBuilding.json(400, StripeAPIError.missing("session").json) }
            let succeeded = event.hasSuffix("succeeded")
            return await sandbox { db in try self.stripe.asyncPaymentResult(db, sessionId: session, succeeded: succeeded) }
        default:
            return ResponseBuilding.json(404, StripeAPIError(status: 404, code: "resource_missing",
                                                             message: "Unknown trigger '\(event)'. Known: refund, dispute, expire, async_payment_succeeded, async_payment_failed.").json)
        }
    }

    private func sandbox(_ operation: @escaping @Sendable (Database) throws -> JSONValue) async -> Response {
        do {
            return ResponseBuilding.json(200, try await stripe.sandboxOperation(operation))
        } catch let error as StripeAPIError {
            return ResponseBuilding.json(error.status, error.json)
        } catch {
            return ResponseBuilding.json(500, StripeAPIError(status: 500, type: "api_error", code: nil, message: "\(error)").json)
        }
    }

    /// One Stripe API call: key check, form (body for POST, query for GET), idempotency, Stripe's envelope.
    private func api(_ request: Request, form isPost: Bool,
                     _ operation: @escaping @Sendable (Database, StripeForm) throws -> JSONValue) async -> Response {
        let requestId = SandboxIDs.stripe("req_", length: 14)
        var headers = ResponseBuilding.fields([("Request-Id", requestId), ("Stripe-Version", StripeStandIn.apiVersion)])
        do {
            let apiKey = try stripe.authenticate(authorization: ResponseBuilding.header(request, "Authorization"))
            let raw = isPost ? String(decoding: try await ResponseBuilding.body(request), as: UTF8.self) : (request.uri.query ?? "")
            let form = try StripeForm(encoded: raw)
            let idempotencyKey = isPost ? ResponseBuilding.header(request, "Idempotency-Key") : nil
            if let idempotencyKey, idempotencyKey.count > 255 {
                throw StripeAPIError.invalid("Idempotency-Key", "Idempotency keys can be at most 255 characters long.")
            }
            let digest = SandboxIDs.sha256Hex("\(request.method) \(request.uri.path)\n\(raw)")
            let answer = try await stripe.perform(apiKey: apiKey, idempotencyKey: idempotencyKey, requestDigest: digest) { db in
                try operation(db, form)
            }
            if idempotencyKey != nil {
                headers.append(contentsOf: ResponseBuilding.fields([("Idempotency-Key", idempotencyKey!)]))
            }
            if answer.replayed { headers.append(contentsOf: ResponseBuilding.fields([("Idempotent-Replayed", "true")])) }
            return ResponseBuilding.json(answer.status, answer.body, headers: headers)
        } catch let error as StripeAPIError {
            return ResponseBuilding.json(error.status, error.json, headers: headers)
        } catch {
            return ResponseBuilding.json(500, StripeAPIError(status: 500, type: "api_error", code: nil,
                                                             message: "The sandbox failed: \(error)").json, headers: headers)
        }
    }

    // MARK: - Pages

    private func checkoutPage(id: String, notice: String?) async -> Response {
        let loaded: (JSONValue, JSONValue?)?
        do {
            loaded = try await stripe.database.writer.write { db -> (JSONValue, JSONValue?)? in
                guard let s = try SandboxDatabase.getStripe(db, id, type: "checkout.session") else { return nil }
                return (try self.stripe.expireIfDue(db, s), try SandboxDatabase.getStripe(db, "\(id)#details"))
            }
            await stripe.deliverer.kick()
        } catch {
            return ResponseBuilding.html(500, Self.page("Error", "<p>\(HTMLText.escape("\(error)"))</p>"))
        }
        guard let (session, details) = loaded else {
            return ResponseBuilding.html(404, Self.page("Checkout not found", "<p>There is no checkout session \(HTMLText.escape(id)).</p>"))
        }
        let currency = Currency(code: session["currency"]?.stringValue ?? "usd")
        func money(_ v: JSONValue?) -> String { HTMLText.escape(Money(minorUnits: v?.intValue ?? 0, currency: currency).formatted) }
        var rows = ""
        for item in details?["line_items"]?.arrayValue ?? [] {
            rows += "<tr><td>\(HTMLText.escape(item["description"]?.stringValue ?? ""))</td><td>× \(item["quantity"]?.intValue ?? 1)</td><td>\(money(item["amount_total"]))</td></tr>\n"
        }
        let status = session["status"]?.stringValue ?? ""
        var body = "<p>Sandbox checkout — no real card is charged.</p>\n"
        if let notice { body += "<p class=\"notice\"><strong>\(HTMLText.escape(notice))</strong></p>\n" }
        body += "<table>\n\(rows)<tr><th>Total</th><td></td><th>\(money(session["amount_total"]))</th></tr>\n</table>\n"
        body += "<p>Status: \(HTMLText.escape(status)), payment: \(HTMLText.escape(session["payment_status"]?.stringValue ?? ""))</p>\n"
        let action = "/checkout/\(HTMLText.escape(id))/pay"
        if status == "open" {
            body += """
                <form method="post" action="\(action)"><input type="hidden" name="card" value="4242424242424242">
                <button type="submit">Pay with test card 4242 4242 4242 4242</button></form>
                <form method="post" action="\(action)"><input type="hidden" name="card" value="4000000000000002">
                <button type="submit">Try declined card 4000 0000 0000 0002</button></form>

                """
            if let cancel = session["cancel_url"]?.stringValue {
                body += "<p><a href=\"\(HTMLText.escape(cancel))\">Cancel and go back</a></p>\n"
            }
        }
        return ResponseBuilding.html(200, Self.page("Checkout", body))
    }

    private func onboardingPage(token: String) async -> Response {
        do {
            let found: (JSONValue, Bool, String)? = try await stripe.database.writer.read { db in
                guard let link = try self.stripe.onboardingLink(db, token: token),
                      let account = try SandboxDatabase.getStripe(db, link.account, type: "account") else { return nil }
                return (account, link.expired, link.refreshURL)
            }
            guard let (account, expired, refresh) = found else {
                return ResponseBuilding.html(404, Self.page("Link not found", "<p>This onboarding link does not exist.</p>"))
            }
            if expired { return ResponseBuilding.redirect(refresh) }
            let id = HTMLText.escape(account["id"]?.stringValue ?? "")
            let body = """
                <p>Sandbox Connect onboarding for account \(id).</p>
                <p>Submitting fills in test business details, a test bank account (STRIPE TEST BANK ••••6789) and accepts the terms.</p>
                <form method="post" action="/connect/onboarding/\(HTMLText.escape(token))">
                <button type="submit">Complete onboarding with test data</button></form>

                """
            return ResponseBuilding.html(200, Self.page("Onboarding", body))
        } catch {
            return ResponseBuilding.html(500, Self.page("Error", "<p>\(HTMLText.escape("\(error)"))</p>"))
        }
    }

    static func page(_ title: String, _ body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(HTMLText.escape(title)) · TechFlunky sandbox</title></head>
        <body>
        <h1>\(HTMLText.escape(title))</h1>
        \(body)</body></html>

        """
    }
}
