import Foundation
import GRDB
import Synchronization

/// The Stripe stand-in's behaviour: the objects and state changes of exactly the Stripe endpoints the
/// platform calls (Checkout Sessions, Connect accounts and links, transfers and reversals, refunds), plus
/// what a test card, the onboarding page and `stripe trigger` would do. Every operation runs in one SQLite
/// transaction: a request that fails validation changes nothing. Events are written in the same
/// transaction and delivered afterwards by `StripeWebhookDeliverer`.
public final class StripeStandIn: Sendable {
    /// The version the stand-in answers as: the reference document's (../shared/specs/stripe.openapi.json).
    public static let apiVersion = "2023-08-16"

    struct Settings {
        var publicBase: String
        var secretKey: String?
    }

    let database: SandboxDatabase
    let clock: SandboxClock
    private let settings: Mutex<Settings>
    let deliverer: StripeWebhookDeliverer

    init(database: SandboxDatabase, clock: SandboxClock, secretKey: String?, deliverer: StripeWebhookDeliverer) {
        self.database = database
        self.clock = clock
        self.deliverer = deliverer
        settings = Mutex(Settings(publicBase: "http://127.0.0.1", secretKey: secretKey))
    }

    var publicBase: String {
        get { settings.withLock { $0.publicBase } }
        set { settings.withLock { $0.publicBase = newValue } }
    }

    // MARK: - Authentication and idempotency

    /// The API key of a request, checked as Stripe does (401 with Stripe's message otherwise).
    func authenticate(authorization: String?) throws -> String {
        guard let authorization, !authorization.isEmpty else { throw StripeAPIError.missingKey() }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw StripeAPIError.missingKey() }
        let key = String(parts[1]).trimmingCharacters(in: .whitespaces)
        let expected = settings.withLock { $0.secretKey }
        if let expected {
            guard key == expected else { throw StripeAPIError.invalidKey(key) }
        } else {
            guard key.hasPrefix("sk_test_"), key.count > 8 else { throw StripeAPIError.invalidKey(key) }
        }
        return key
    }

    struct Answer: Sendable {
        var status: Int
        var body: Data
        var replayed: Bool
    }

    /// Runs one API operation in a transaction, honouring `Idempotency-Key` as Stripe does: a repeat with the
    /// same parameters within 24 h answers the first result (with `Idempotent-Replayed: true`); a repeat
    /// with other parameters is an `idempotency_error`. Failed requests are not remembered.
    func perform(apiKey: String, idempotencyKey: String?, requestDigest: String,
                 _ operation: @escaping @Sendable (Database) throws -> JSONValue) async throws -> Answer {
        let now = clock.unixTime
        let keyDigest = SandboxIDs.sha256Hex(apiKey)
        let answer: Answer = try await database.writer.write { db in
            if let idempotencyKey {
                if let row = try Row.fetchOne(db, sql: """
                    SELECT request_digest, status, body, created FROM stripe_idempotency WHERE api_key_digest = ? AND key = ?
                    """, arguments: [keyDigest, idempotencyKey]) {
                    let created: Int64 = row["created"]
                    if now - created < 86_400 {
                        guard row["request_digest"] == requestDigest else {
                            throw StripeAPIError(status: 400, type: "idempotency_error", code: nil, message: """
                                Keys for idempotent requests can only be used with the same parameters they were first used with. \
                                Try using a key other than '\(idempotencyKey)' if you meant to execute a different request.
                                """)
                        }
                        return Answer(status: row["status"], body: row["body"], replayed: true)
                    }
                }
            }
            let result = try operation(db)
            let body = result.encoded()
            if let idempotencyKey {
                try db.execute(sql: """
                    INSERT OR REPLACE INTO stripe_idempotency (api_key_digest, key, request_digest, status, body, created)
                    VALUES (?, ?, ?, 200, ?, ?)
                    """, arguments: [keyDigest, idempotencyKey, requestDigest, body, now])
            }
            return Answer(status: 200, body: body, replayed: false)
        }
        await deliverer.kick()
        return answer
    }

    /// Runs a sandbox-only operation (test card, triggers) in a transaction and kicks webhook delivery.
    /// Sends an event again (as the Dashboard's "Resend" does), whatever happened to earlier deliveries.
    func resendEvent(id: String) async throws -> Bool {
        let now = clock.now().timeIntervalSince1970
        let found = try await database.writer.write { db -> Bool in
            try db.execute(sql: "UPDATE stripe_event SET delivered_at = NULL, failed = 0, attempts = 0, next_attempt_at = ? WHERE id = ?",
                           arguments: [now, id])
            return db.changesCount > 0
        }
        await deliverer.kick()
        return found
    }

    func sandboxOperation(_ operation: @escaping @Sendable (Database) throws -> JSONValue) async throws -> JSONValue {
        let result = try await database.writer.write(operation)
        await deliverer.kick()
        return result
    }

    // MARK: - Checkout Sessions

    static let sessionParams: Set<String> = [
        "mode", "line_items", "payment_intent_data", "client_reference_id", "metadata", "success_url", "cancel_url",
        "expires_at", "customer_email", "currency", "payment_method_types", "expand", "locale", "submit_type",
        "allow_promotion_codes", "billing_address_collection", "ui_mode", "customer_creation",
    ]

    func createCheckoutSession(_ db: Database, _ form: StripeForm) throws -> JSONValue {
        try Self.rejectUnknown(form, allowed: Self.sessionParams)
        guard let mode = form["mode"], !mode.isEmpty else { throw StripeAPIError.missing("mode") }
        guard ["payment", "setup", "subscription"].contains(mode) else {
            throw StripeAPIError.invalid("mode", "Invalid mode: must be one of payment, setup, or subscription")
        }
        guard mode == "payment" else {
            throw StripeAPIError.invalid("mode", "This Stripe stand-in implements mode=payment only.")
        }
        if let ui = form["ui_mode"], ui != "hosted" {
            throw StripeAPIError.invalid("ui_mode", "This Stripe stand-in implements ui_mode=hosted only.")
        }
        let now = clock.unixTime
        let sessionId = SandboxIDs.stripe("cs_test_", length: 58)

        let indices = form.indices(under: "line_items")
        guard !indices.isEmpty else { throw StripeAPIError.missing("line_items") }
        guard indices == Array(0..<indices.count) else {
            throw StripeAPIError.invalid("line_items", "Invalid array: line_items must be indexed from 0 without gaps.")
        }
        var currency: String?
        var total: Int64 = 0
        var items: [JSONValue] = []
        for i in indices {
            let p = "line_items[\(i)]"
            if let price = form["\(p)[price]"] {
                // The stand-in has no Price catalogue; the platform always sends price_data.
                throw StripeAPIError.noSuch("price", price, param: "\(p)[price]")
            }
            guard form.node("\(p)[price_data]") != nil else { throw StripeAPIError.missing("\(p)[price_data]") }
            let quantity = try Self.integer(form, "\(p)[quantity]", required: true, minimum: 1)!
            guard let rawCurrency = form["\(p)[price_data][currency]"], !rawCurrency.isEmpty else {
                throw StripeAPIError.missing("\(p)[price_data][currency]")
            }
            let lineCurrency = rawCurrency.lowercased()
            guard lineCurrency.count == 3, lineCurrency.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                throw StripeAPIError.invalid("\(p)[price_data][currency]", "Invalid currency: \(rawCurrency)")
            }
            if let currency, currency != lineCurrency {
                throw StripeAPIError.invalid("\(p)[price_data][currency]", "All line items must have the same currency.")
            }
            currency = lineCurrency
            let unitAmount = try Self.integer(form, "\(p)[price_data][unit_amount]", required: true, minimum: 0)!
            let name: String
            if let n = form["\(p)[price_data][product_data][name]"], !n.isEmpty { name = n } else {
                if let product = form["\(p)[price_data][product]"] {
                    throw StripeAPIError.noSuch("product", product, param: "\(p)[price_data][product]")
                }
                throw StripeAPIError.missing("\(p)[price_data][product_data][name]")
            }
            let (lineTotal, o1) = unitAmount.multipliedReportingOverflow(by: quantity)
            let (newTotal, o2) = total.addingReportingOverflow(lineTotal)
            guard !o1, !o2, newTotal <= 99_999_999 else {
                throw StripeAPIError.invalid("\(p)[price_data][unit_amount]", "Amount must be no more than 99999999.")
            }
            total = newTotal
            let productId = SandboxIDs.stripe("prod_", length: 14)
            items.append([
                "id": .string(SandboxIDs.stripe("li_")), "object": "item",
                "amount_discount": 0, "amount_subtotal": .int(lineTotal), "amount_tax": 0, "amount_total": .int(lineTotal),
                "currency": .string(lineCurrency), "description": .string(name), "quantity": .int(quantity),
                "price": [
                    "id": .string(SandboxIDs.stripe("price_")), "object": "price", "active": false, "billing_scheme": "per_unit",
                    "created": .int(now), "currency": .string(lineCurrency), "livemode": false, "metadata": [:],
                    "product": .string(productId), "type": "one_time", "unit_amount": .int(unitAmount),
                    "unit_amount_decimal": .string(String(unitAmount)),
                ],
            ])
        }
        let currencyCode = currency ?? "usd"
        if currencyCode == "usd", total < 50 {
            throw StripeAPIError.invalid("line_items", "The Checkout Session's total amount due must add up to at least $0.50 usd")
        }
        var expiresAt = now + 86_400
        if let e = try Self.integer(form, "expires_at", required: false, minimum: 0) {
            guard e >= now + 1_800 else {
                throw StripeAPIError.invalid("expires_at", "The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.")
            }
            guard e <= now + 86_400 else {
                throw StripeAPIError.invalid("expires_at", "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.")
            }
            expiresAt = e
        }
        // Enumerated parameters the session echoes back: Stripe refuses a value outside the enum.
        for (key, allowed) in [("submit_type", ["auto", "book", "donate", "pay"]), ("billing_address_collection", ["auto", "required"])] {
            if let value = form[key], !allowed.contains(value) {
                throw StripeAPIError.invalid(key, "Invalid \(key): must be one of \(allowed.joined(separator: ", "))")
            }
        }
        for key in ["success_url", "cancel_url"] {
            if let url = form[key] { try Self.checkURL(url, param: key) }
        }
        if let ref = form["client_reference_id"], ref.count > 200 {
            throw StripeAPIError.invalid("client_reference_id", "client_reference_id must be at most 200 characters.")
        }
        let metadata = try Self.metadata(form, "metadata")
        let piMetadata = try Self.metadata(form, "payment_intent_data[metadata]")
        let allowedPI: Set<String> = ["transfer_group", "metadata", "description", "capture_method", "statement_descriptor",
                                      "receipt_email", "on_behalf_of", "setup_future_usage"]
        for key in form.keys where key.hasPrefix("payment_intent_data[") {
            let name = key.dropFirst("payment_intent_data[".count).prefix { $0 != "]" }
            guard allowedPI.contains(String(name)) else { throw StripeAPIError.unknown("payment_intent_data[\(name)]") }
        }
        if let capture = form["payment_intent_data[capture_method]"], capture != "automatic" {
            throw StripeAPIError.invalid("payment_intent_data[capture_method]", "This Stripe stand-in implements capture_method=automatic only.")
        }

        let session: JSONValue = [
            "id": .string(sessionId), "object": "checkout.session",
            "after_expiration": nil, "allow_promotion_codes": nil,
            "amount_subtotal": .int(total), "amount_total": .int(total),
            "automatic_tax": ["enabled": false, "liability": nil, "status": nil],
            "billing_address_collection": .from(form["billing_address_collection"]),
            "cancel_url": .from(form["cancel_url"]), "client_reference_id": .from(form["client_reference_id"]),
            "consent": nil, "consent_collection": nil, "created": .int(now), "currency": .string(currencyCode),
            "custom_fields": [], "custom_text": ["shipping_address": nil, "submit": nil], "customer": nil, "customer_creation": "if_required", "customer_details": nil,
            "customer_email": .from(form["customer_email"]), "expires_at": .int(expiresAt), "invoice": nil,
            "livemode": false, "locale": .from(form["locale"]), "metadata": .object(metadata.mapValues(JSONValue.string)),
            "mode": "payment", "payment_intent": nil, "payment_link": nil, "payment_method_collection": "if_required",
            "payment_method_options": [:], "payment_method_types": ["card"], "payment_status": "unpaid",
            "shipping_options": [], "status": "open", "submit_type": .from(form["submit_type"]), "subscription": nil,
            "success_url": .from(form["success_url"]),
            "total_details": ["amount_discount": 0, "amount_shipping": 0, "amount_tax": 0],
            "ui_mode": "hosted", "url": .string("\(publicBase)/checkout/\(sessionId)"),
        ]
        try SandboxDatabase.putStripe(db, session)
        // What the session will put on its PaymentIntent and what `expand[]=line_items` shows: kept beside
        // the session, not in its public shape.
        try SandboxDatabase.putStripe(db, [
            "id": .string("\(sessionId)#details"), "object": "sandbox.session_details", "created": .int(now),
            "line_items": .array(items),
            "transfer_group": .from(form["payment_intent_data[transfer_group]"]),
            "description": .from(form["payment_intent_data[description]"]),
            "metadata": .object(piMetadata.mapValues(JSONValue.string)),
        ])
        return try expand(db, session, form.list("expand"))
    }

    func retrieveCheckoutSession(_ db: Database, id: String, expand paths: [String]) throws -> JSONValue {
        let session = try expireIfDue(db, try session(db, id))
        return try expand(db, session, paths)
    }

    func session(_ db: Database, _ id: String) throws -> JSONValue {
        guard var s = try SandboxDatabase.getStripe(db, id, type: "checkout.session") else {
            throw StripeAPIError.noSuch("checkout.session", id, param: "session")
        }
        // The port may differ after a restart: an open session's page is wherever the sandbox is now.
        if s["status"]?.stringValue == "open" { s["url"] = .string("\(publicBase)/checkout/\(id)") }
        return s
    }

    /// A session whose `expires_at` has passed becomes `expired` (with its event) when next seen.
    func expireIfDue(_ db: Database, _ session: JSONValue) throws -> JSONValue {
        guard session["status"]?.stringValue == "open", let expiresAt = session["expires_at"]?.intValue,
              expiresAt <= clock.unixTime else { return session }
        return try expire(db, session)
    }

    func expireCheckoutSession(_ db: Database, id: String) throws -> JSONValue {
        let s = try expireIfDue(db, try session(db, id))
        guard s["status"]?.stringValue == "open" else {
            throw StripeAPIError(status: 400, code: nil,
                                 message: "Only Checkout Sessions with a status of `open` can be expired. This Checkout Session has a status of `\(s["status"]?.stringValue ?? "")`.")
        }
        return try expire(db, s)
    }

    private func expire(_ db: Database, _ session: JSONValue) throws -> JSONValue {
        var s = session
        s["status"] = "expired"
        s["url"] = nil
        try SandboxDatabase.putStripe(db, s)
        try emit(db, "checkout.session.expired", s, previous: ["status": "open"])
        return s
    }

    /// Expires every open session whose time has come (run periodically).
    func sweepExpiredSessions() async throws {
        let now = clock.unixTime
        let due = """
            SELECT id FROM stripe_object WHERE type = 'checkout.session'
            AND json_extract(json, '$.status') = 'open' AND json_extract(json, '$.expires_at') <= ?
            """
        // Read first: most sweeps find nothing and need no write lock.
        guard try await !database.writer.read({ db in try String.fetchAll(db, sql: due, arguments: [now]) }).isEmpty else { return }
        let expired: Int = try await database.writer.write { db in
            let ids = try String.fetchAll(db, sql: due, arguments: [now])
            for id in ids { _ = try self.expireIfDue(db, try self.session(db, id)) }
            return ids.count
        }
        if expired > 0 { await deliverer.kick() }
    }

    // MARK: - Paying (test card, async methods)

    public enum PaymentOutcome: String, Sendable {
        /// Card 4242 4242 4242 4242: paid at once.
        case succeeded
        /// A delayed method (bank debit): the session completes unpaid; `asyncPaymentResult` settles it.
        case processing
        /// Card 4000 0000 0000 0002: declined, the session stays open.
        case declined
    }

    func pay(_ db: Database, sessionId: String, outcome: PaymentOutcome) throws -> JSONValue {
        var s = try expireIfDue(db, try session(db, sessionId))
        guard s["status"]?.stringValue == "open" else {
            throw StripeAPIError(status: 400, code: "checkout_session_not_open",
                                 message: "This Checkout Session is \(s["status"]?.stringValue ?? "unknown") and can no longer be paid.",
                                 param: "session")
        }
        if outcome == .declined {
            throw StripeAPIError(status: 402, type: "card_error", code: "card_declined", message: "Your card was declined.",
                                 declineCode: "generic_decline")
        }
        let now = clock.unixTime
        let details = try SandboxDatabase.getStripe(db, "\(sessionId)#details") ?? [:]
        let amount = s["amount_total"]?.intValue ?? 0
        let currency = s["currency"] ?? "usd"
        let piId = SandboxIDs.stripe("pi_")
        let pmId = SandboxIDs.stripe("pm_")
        var pi: JSONValue = [
            "id": .string(piId), "object": "payment_intent", "amount": .int(amount), "amount_capturable": 0,
            "amount_received": 0, "capture_method": "automatic", "confirmation_method": "automatic",
            "created": .int(now), "currency": currency, "customer": nil,
            "description": details["description"] ?? nil, "latest_charge": nil, "livemode": false,
            "metadata": details["metadata"] ?? [:], "payment_method": .string(pmId),
            "payment_method_types": outcome == .processing ? ["us_bank_account"] : ["card"],
            "status": "processing", "transfer_group": details["transfer_group"] ?? nil,
        ]
        s["status"] = "complete"
        s["payment_intent"] = .string(piId)
        s["url"] = nil
        s["customer_details"] = ["email": s["customer_email"] ?? "buyer@example.com", "name": "Sandbox Buyer",
                                 "address": nil, "phone": nil, "tax_exempt": "none", "tax_ids": []]
        if outcome == .succeeded {
            let charge = try makeCharge(db, pi: &pi, paymentMethod: pmId, now: now)
            _ = charge
            s["payment_status"] = "paid"
        } else {
            s["payment_status"] = "unpaid"
        }
        try SandboxDatabase.putStripe(db, pi)
        try SandboxDatabase.putStripe(db, s)
        try emit(db, "checkout.session.completed", s, previous: ["status": "open"])
        return s
    }

    /// Settles a session paid with a delayed method: `checkout.session.async_payment_succeeded` or `…_failed`.
    func asyncPaymentResult(_ db: Database, sessionId: String, succeeded: Bool) throws -> JSONValue {
        var s = try session(db, sessionId)
        guard s["status"]?.stringValue == "complete", s["payment_status"]?.stringValue == "unpaid",
              let piId = s["payment_intent"]?.stringValue, var pi = try SandboxDatabase.getStripe(db, piId),
              pi["status"]?.stringValue == "processing" else {
            throw StripeAPIError(status: 400, code: nil, message: "Checkout Session \(sessionId) has no payment waiting to settle.",
                                 param: "session")
        }
        let now = clock.unixTime
        if succeeded {
            _ = try makeCharge(db, pi: &pi, paymentMethod: pi["payment_method"]?.stringValue ?? SandboxIDs.stripe("pm_"), now: now)
            s["payment_status"] = "paid"
            try SandboxDatabase.putStripe(db, pi)
            try SandboxDatabase.putStripe(db, s)
            try emit(db, "checkout.session.async_payment_succeeded", s, previous: ["payment_status": "unpaid"])
        } else {
            pi["status"] = "requires_payment_method"
            pi["last_payment_error"] = ["type": "invalid_request_error", "code": "payment_method_provider_decline",
                                        "message": "The payment was declined by the bank."]
            try SandboxDatabase.putStripe(db, pi)
            try emit(db, "checkout.session.async_payment_failed", s)
        }
        return s
    }

    private func makeCharge(_ db: Database, pi: inout JSONValue, paymentMethod: String, now: Int64) throws -> JSONValue {
        let chargeId = SandboxIDs.stripe("ch_")
        let amount = pi["amount"] ?? 0
        let charge: JSONValue = [
            "id": .string(chargeId), "object": "charge", "amount": amount, "amount_captured": amount, "amount_refunded": 0,
            "balance_transaction": .string(SandboxIDs.stripe("txn_")),
            "billing_details": ["address": nil, "email": nil, "name": "Sandbox Buyer", "phone": nil],
            "captured": true, "created": .int(now), "currency": pi["currency"] ?? "usd", "customer": nil,
            "description": pi["description"] ?? nil, "disputed": false, "failure_code": nil, "failure_message": nil,
            "livemode": false, "metadata": pi["metadata"] ?? [:],
            "outcome": ["network_status": "approved_by_network", "reason": nil, "risk_level": "normal",
                        "seller_message": "Payment complete.", "type": "authorized"],
            "paid": true, "payment_intent": pi["id"] ?? nil, "payment_method": .string(paymentMethod),
            "payment_method_details": ["type": "card", "card": ["brand": "visa", "last4": "4242", "exp_month": 12,
                                                                "exp_year": 2034, "funding": "credit", "country": "US"]],
            "receipt_url": .string("\(publicBase)/receipts/\(chargeId)"), "refunded": false,
            "refunds": ["object": "list", "data": [], "has_more": false, "total_count": 0, "url": .string("/v1/charges/\(chargeId)/refunds")],
            "source_transfer": nil, "status": "succeeded", "transfer_group": pi["transfer_group"] ?? nil,
        ]
        try SandboxDatabase.putStripe(db, charge)
        pi["status"] = "succeeded"
        pi["amount_received"] = amount
        pi["latest_charge"] = .string(chargeId)
        return charge
    }

    // MARK: - Connect accounts and onboarding

    static let accountParams: Set<String> = [
        "type", "country", "email", "capabilities", "business_type", "business_profile", "metadata", "controller",
        "default_currency", "expand",
    ]

    func createAccount(_ db: Database, _ form: StripeForm) throws -> JSONValue {
        try Self.rejectUnknown(form, allowed: Self.accountParams)
        guard let type = form["type"], !type.isEmpty else { throw StripeAPIError.missing("type") }
        guard ["express", "standard", "custom"].contains(type) else {
            throw StripeAPIError.invalid("type", "Invalid type: must be one of custom, express, or standard")
        }
        var capabilities: [String: JSONValue] = [:]
        for (name, node) in form.node("capabilities")?.children ?? [:] {
            guard let requested = node.children?["requested"]?.value else {
                throw StripeAPIError.missing("capabilities[\(name)][requested]")
            }
            guard requested == "true" || requested == "false" else {
                throw StripeAPIError.invalid("capabilities[\(name)][requested]", "Invalid boolean: \(requested)")
            }
            if requested == "true" { capabilities[name] = "inactive" }
        }
        if let email = form["email"], !email.contains("@") {
            throw StripeAPIError(status: 400, code: "email_invalid", message: "Invalid email address: \(email)", param: "email")
        }
        let country = (form["country"] ?? "US").uppercased()
        guard country.count == 2 else { throw StripeAPIError.invalid("country", "Country '\(country)' is unknown.") }
        let now = clock.unixTime
        let id = SandboxIDs.stripe("acct_", length: 16)
        let due: JSONValue = ["business_profile.url", "external_account", "tos_acceptance.date", "tos_acceptance.ip"]
        let account: JSONValue = [
            "id": .string(id), "object": "account",
            "business_profile": ["mcc": nil, "name": .from(form["business_profile[name]"]), "product_description": nil,
                                 "support_email": nil, "url": .from(form["business_profile[url]"])],
            "business_type": .from(form["business_type"]), "capabilities": .object(capabilities),
            "charges_enabled": false, "country": .string(country), "created": .int(now),
            "default_currency": .string((form["default_currency"] ?? "usd").lowercased()), "details_submitted": false,
            "email": .from(form["email"]),
            "external_accounts": ["object": "list", "data": [], "has_more": false, "total_count": 0,
                                  "url": .string("/v1/accounts/\(id)/external_accounts")],
            "metadata": .object(try Self.metadata(form, "metadata").mapValues(JSONValue.string)),
            "payouts_enabled": false,
            "requirements": ["alternatives": [], "current_deadline": nil, "currently_due": due,
                             "disabled_reason": "requirements.past_due", "errors": [], "eventually_due": due,
                             "past_due": due, "pending_verification": []],
            // As Stripe answers for a new Express account (API 2023-08-16: branding, card_payments, dashboard
            // and payments are always present).
            "settings": [
                "branding": ["icon": nil, "logo": nil, "primary_color": nil, "secondary_color": nil],
                "card_payments": ["decline_on": ["avs_failure": false, "cvc_failure": false], "statement_descriptor_prefix": nil,
                                  "statement_descriptor_prefix_kana": nil, "statement_descriptor_prefix_kanji": nil],
                "dashboard": ["display_name": nil, "timezone": "Etc/UTC"],
                "payments": ["statement_descriptor": nil, "statement_descriptor_kana": nil, "statement_descriptor_kanji": nil,
                             "statement_descriptor_prefix_kana": nil, "statement_descriptor_prefix_kanji": nil],
                "payouts": ["debit_negative_balances": true, "schedule": ["delay_days": 2, "interval": "daily"],
                            "statement_descriptor": nil],
            ],
            "tos_acceptance": ["date": nil], "type": .string(type),
        ]
        try SandboxDatabase.putStripe(db, account)
        return account
    }

    func account(_ db: Database, _ id: String, param: String = "account") throws -> JSONValue {
        guard let a = try SandboxDatabase.getStripe(db, id, type: "account") else {
            // Stripe answers an unknown connected account as a permission problem, not a 404.
            throw StripeAPIError(status: 403, type: "invalid_request_error", code: "account_invalid",
                                 message: "The provided key does not have access to account '\(id)' (or that account does not exist). Application access may have been revoked.",
                                 param: param)
        }
        return a
    }

    func createAccountLink(_ db: Database, _ form: StripeForm) throws -> JSONValue {
        try Self.rejectUnknown(form, allowed: ["account", "type", "refresh_url", "return_url", "collect", "collection_options", "expand"])
        guard let accountId = form["account"], !accountId.isEmpty else { throw StripeAPIError.missing("account") }
        guard let type = form["type"], !type.isEmpty else { throw StripeAPIError.missing("type") }
        guard ["account_onboarding", "account_update"].contains(type) else {
            throw StripeAPIError.invalid("type", "Invalid type: must be one of account_onboarding or account_update")
        }
        guard let refresh = form["refresh_url"], !refresh.isEmpty else { throw StripeAPIError.missing("refresh_url") }
        guard let ret = form["return_url"], !ret.isEmpty else { throw StripeAPIError.missing("return_url") }
        try Self.checkURL(refresh, param: "refresh_url")
        try Self.checkURL(ret, param: "return_url")
        _ = try account(db, accountId)
        let now = clock.unixTime
        let token = SandboxIDs.stripe("", length: 32)
        try db.execute(sql: """
            INSERT INTO stripe_account_link (token, account, type, refresh_url, return_url, expires_at) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [token, accountId, type, refresh, ret, now + 300])
        return ["object": "account_link", "created": .int(now), "expires_at": .int(now + 300),
                "url": .string("\(publicBase)/connect/onboarding/\(token)")]
    }

    /// The onboarding link's account and where to send the browser, or nil when the link is unknown.
    func onboardingLink(_ db: Database, token: String) throws -> (account: String, returnURL: String, refreshURL: String, expired: Bool)? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM stripe_account_link WHERE token = ?", arguments: [token]) else { return nil }
        let expired = (row["expires_at"] as Int64) < clock.unixTime || (row["used"] as Int) != 0
        return (row["account"], row["return_url"], row["refresh_url"], expired)
    }

    /// What a seller does on the onboarding form: details submitted, charges and payouts enabled,
    /// requested capabilities active; `account.updated` is sent.
    func completeOnboarding(_ db: Database, accountId: String, linkToken: String? = nil) throws -> JSONValue {
        var a = try account(db, accountId)
        if let linkToken { try db.execute(sql: "UPDATE stripe_account_link SET used = 1 WHERE token = ?", arguments: [linkToken]) }
        if a["details_submitted"]?.boolValue == true, a["charges_enabled"]?.boolValue == true,
           a["payouts_enabled"]?.boolValue == true { return a }
        let previous: JSONValue = ["details_submitted": a["details_submitted"] ?? false,
                                   "charges_enabled": a["charges_enabled"] ?? false,
                                   "payouts_enabled": a["payouts_enabled"] ?? false]
        let now = clock.unixTime
        a["details_submitted"] = true
        a["charges_enabled"] = true
        a["payouts_enabled"] = true
        var caps = a["capabilities"]?.objectValue ?? [:]
        if caps.isEmpty { caps["transfers"] = "active" }
        for k in caps.keys { caps[k] = "active" }
        a["capabilities"] = .object(caps)
        a["requirements"] = ["alternatives": [], "current_deadline": nil, "currently_due": [], "disabled_reason": nil,
                             "errors": [], "eventually_due": [], "past_due": [], "pending_verification": []]
        a["tos_acceptance"] = ["date": .int(now), "ip": "127.0.0.1"]
        a["external_accounts"] = ["object": "list", "has_more": false, "total_count": 1,
                                  "url": .string("/v1/accounts/\(accountId)/external_accounts"),
                                  "data": [["id": .string(SandboxIDs.stripe("ba_")), "object": "bank_account",
                                            "account": .string(accountId), "bank_name": "STRIPE TEST BANK", "country": "US",
                                            "currency": "usd", "last4": "6789", "routing_number": "110000000",
                                            "status": "new", "default_for_currency": true]]]
        if a["business_profile"]?["url"]?.isNull ?? true {
            a["business_profile"]?["url"] = "https://example-seller.dev"
        }
        try SandboxDatabase.putStripe(db, a)
        try emit(db, "account.updated", a, previous: previous, account: accountId)
        return a
    }

    // MARK: - Transfers

    func createTransfer(_ db: Database, _ form: StripeForm) throws -> JSONValue {
        try Self.rejectUnknown(form, allowed: ["amount", "currency", "destination", "transfer_group", "source_transaction",
                                               "metadata", "description", "expand", "source_type"])
        let amount = try Self.integer(form, "amount", required: true, minimum: 1)!
        guard let currency = form["currency"]?.lowercased(), !currency.isEmpty else { throw StripeAPIError.missing("currency") }
        guard let destination = form["destination"], !destination.isEmpty else { throw StripeAPIError.missing("destination") }
        guard let account = try SandboxDatabase.getStripe(db, destination, type: "account") else {
            throw StripeAPIError(status: 400, code: "resource_missing", message: "No such destination: '\(destination)'", param: "destination")
        }
        guard account["capabilities"]?["transfers"]?.stringValue == "active" else {
            throw StripeAPIError(status: 400, code: "insufficient_capabilities_for_transfer",
                                 message: "Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments",
                                 param: "destination")
        }
        let sourceTransaction = form["source_transaction"]
        if let sourceTransaction {
            guard let charge = try SandboxDatabase.getStripe(db, sourceTransaction, type: "charge") else {
                throw StripeAPIError(status: 400, code: "resource_missing", message: "No such charge: '\(sourceTransaction)'",
                                     param: "source_transaction")
            }
            guard charge["currency"]?.stringValue == currency else {
                throw StripeAPIError.invalid("currency", "The currency of source_transaction's balance transaction (\(charge["currency"]?.stringValue ?? "")) must be the same as the transfer currency (\(currency)).")
            }
            let already = try Int64.fetchOne(db, sql: """
                SELECT COALESCE(SUM(json_extract(json, '$.amount') - json_extract(json, '$.amount_reversed')), 0)
                FROM stripe_object WHERE type = 'transfer' AND json_extract(json, '$.source_transaction') = ?
                """, arguments: [sourceTransaction]) ?? 0
            let available = (charge["amount"]?.intValue ?? 0) - (charge["amount_refunded"]?.intValue ?? 0) - already
            guard amount <= available else {
                throw StripeAPIError(status: 400, code: "balance_insufficient",
                                     message: "Transfer amount (\(amount)) exceeds what is left of source_transaction \(sourceTransaction) (\(max(available, 0))).",
                                     param: "amount")
            }
        }
        let now = clock.unixTime
        let id = SandboxIDs.stripe("tr_")
        let transfer: JSONValue = [
            "id": .string(id), "object": "transfer", "amount": .int(amount), "amount_reversed": 0,
            "balance_transaction": .string(SandboxIDs.stripe("txn_")), "created": .int(now), "currency": .string(currency),
            "description": .from(form["description"]), "destination": .string(destination),
            "destination_payment": .string(SandboxIDs.stripe("py_")), "livemode": false,
            "metadata": .object(try Self.metadata(form, "metadata").mapValues(JSONValue.string)),
            "reversals": ["object": "list", "data": [], "has_more": false, "total_count": 0, "url": .string("/v1/transfers/\(id)/reversals")],
            "reversed": false, "source_transaction": .from(sourceTransaction), "source_type": "card",
            "transfer_group": .from(form["transfer_group"]),
        ]
        try SandboxDatabase.putStripe(db, transfer)
        try emit(db, "transfer.created", transfer)
        return transfer
    }

    func createTransferReversal(_ db: Database, transferId: String, _ form: StripeForm) throws -> JSONValue {
        try Self.rejectUnknown(form, allowed: ["amount", "description", "metadata", "refund_application_fee", "expand"])
        guard var transfer = try SandboxDatabase.getStripe(db, transferId, type: "transfer") else {
            throw StripeAPIError.noSuch("transfer", transferId)
        }
        let total = transfer["amount"]?.intValue ?? 0
        let reversed = transfer["amount_reversed"]?.intValue ?? 0
        let amount = try Self.integer(form, "amount", required: false, minimum: 1) ?? (total - reversed)
        guard amount > 0, amount <= total - reversed else {
            throw StripeAPIError(status: 400, code: "amount_too_large",
                                 message: "Reversal amount (\(amount)) is greater than the amount left on transfer \(transferId) (\(total - reversed)).",
                                 param: "amount")
        }
        let now = clock.unixTime
        let reversal: JSONValue = [
            "id": .string(SandboxIDs.stripe("trr_")), "object": "transfer_reversal", "amount": .int(amount),
            "balance_transaction": .string(SandboxIDs.stripe("txn_")), "created": .int(now), "currency": transfer["currency"] ?? "usd",
            "destination_payment_refund": .string(SandboxIDs.stripe("pyr_")),
            "metadata": .object(try Self.metadata(form, "metadata").mapValues(JSONValue.string)),
            "source_refund": nil, "transfer": .string(transferId),
        ]
        try SandboxDatabase.putStripe(db, reversal)
        transfer["amount_reversed"] = .int(reversed + amount)
        transfer["reversed"] = .bool(reversed + amount == total)
        var list = transfer["reversals"]?["data"]?.arrayValue ?? []
        list.insert(reversal, at: 0)
        transfer["reversals"]?["data"] = .array(list)
        transfer["reversals"]?["total_count"] = .int(Int64(list.count))
        try SandboxDatabase.putStripe(db, transfer)
        try emit(db, "transfer.reversed", transfer, previous: ["amount_reversed": .int(reversed)])
        return reversal
    }

    // MARK: - Refunds and disputes

    func createRefund(_ db: Database, _ form: StripeForm) throws -> JSONValue {
        try Self.rejectUnknown(form, allowed: ["charge", "payment_intent", "amount", "reason", "metadata", "expand",
                                               "refund_application_fee", "reverse_transfer", "instructions_email"])
        var charge: JSONValue
        if let chargeId = form["charge"], !chargeId.isEmpty {
            guard let c = try SandboxDatabase.getStripe(db, chargeId, type: "charge") else {
                throw StripeAPIError.noSuch("charge", chargeId, param: "charge")
            }
            charge = c
        } else if let piId = form["payment_intent"], !piId.isEmpty {
            guard let pi = try SandboxDatabase.getStripe(db, piId, type: "payment_intent") else {
                throw StripeAPIError.noSuch("payment_intent", piId, param: "payment_intent")
            }
            guard let chargeId = pi["latest_charge"]?.stringValue, let c = try SandboxDatabase.getStripe(db, chargeId, type: "charge") else {
                throw StripeAPIError(status: 400, code: "payment_intent_unexpected_state",
                                     message: "This PaymentIntent (\(piId)) does not have a successful charge to refund.",
                                     param: "payment_intent")
            }
            charge = c
        } else {
            throw StripeAPIError(status: 400, code: "parameter_missing",
                                 message: "One of the following params should be provided for this request: payment_intent or charge.",
                                 param: "charge")
        }
        if let reason = form["reason"], !["duplicate", "fraudulent", "requested_by_customer"].contains(reason) {
            throw StripeAPIError.invalid("reason", "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer")
        }
        return try refund(db, charge: &charge, amount: try Self.integer(form, "amount", required: false, minimum: 1),
                          reason: form["reason"], metadata: try Self.metadata(form, "metadata"))
    }

    func refund(_ db: Database, charge: inout JSONValue, amount requested: Int64?, reason: String?, metadata: [String: String]) throws -> JSONValue {
        let chargeId = charge["id"]?.stringValue ?? ""
        if charge["disputed"]?.boolValue == true {
            throw StripeAPIError(status: 400, code: "charge_disputed",
                                 message: "Charge \(chargeId) has been charged back; cannot issue a refund.", param: "charge")
        }
        let total = charge["amount"]?.intValue ?? 0
        let refunded = charge["amount_refunded"]?.intValue ?? 0
        guard refunded < total else {
            throw StripeAPIError(status: 400, code: "charge_already_refunded",
                                 message: "Charge \(chargeId) has already been refunded.", param: "charge")
        }
        let amount = requested ?? (total - refunded)
        guard amount <= total - refunded else {
            throw StripeAPIError(status: 400, code: "amount_too_large",
                                 message: "Refund amount (\(amount)) is greater than unrefunded amount on charge (\(total - refunded))",
                                 param: "amount")
        }
        let now = clock.unixTime
        let refund: JSONValue = [
            "id": .string(SandboxIDs.stripe("re_")), "object": "refund", "amount": .int(amount),
            "balance_transaction": .string(SandboxIDs.stripe("txn_")), "charge": .string(chargeId), "created": .int(now),
            "currency": charge["currency"] ?? "usd", "metadata": .object(metadata.mapValues(JSONValue.string)),
            "payment_intent": charge["payment_intent"] ?? nil, "reason": .from(reason), "receipt_number": nil,
            "source_transfer_reversal": nil, "status": "succeeded", "transfer_reversal": nil,
        ]
        try SandboxDatabase.putStripe(db, refund)
        let previous: JSONValue = ["amount_refunded": .int(refunded), "refunded": charge["refunded"] ?? false]
        charge["amount_refunded"] = .int(refunded + amount)
        charge["refunded"] = .bool(refunded + amount == total)
        var list = charge["refunds"]?["data"]?.arrayValue ?? []
        list.insert(refund, at: 0)
        charge["refunds"]?["data"] = .array(list)
        charge["refunds"]?["total_count"] = .int(Int64(list.count))
        try SandboxDatabase.putStripe(db, charge)
        try emit(db, "charge.refunded", charge, previous: previous)
        return refund
    }

    /// `stripe trigger charge.refunded` on a given charge (whole amount unless `amount`).
    func triggerRefund(_ db: Database, chargeId: String, amount: Int64?) throws -> JSONValue {
        guard var charge = try SandboxDatabase.getStripe(db, chargeId, type: "charge") else {
            throw StripeAPIError.noSuch("charge", chargeId, param: "charge")
        }
        return try refund(db, charge: &charge, amount: amount, reason: "requested_by_customer", metadata: [:])
    }

    /// `stripe trigger charge.dispute.created` on a given charge.
    func triggerDispute(_ db: Database, chargeId: String, reason: String) throws -> JSONValue {
        guard var charge = try SandboxDatabase.getStripe(db, chargeId, type: "charge") else {
            throw StripeAPIError.noSuch("charge", chargeId, param: "charge")
        }
        guard charge["disputed"]?.boolValue != true else {
            throw StripeAPIError(status: 400, code: "charge_disputed", message: "Charge \(chargeId) is already disputed.", param: "charge")
        }
        let now = clock.unixTime
        let amount = (charge["amount"]?.intValue ?? 0) - (charge["amount_refunded"]?.intValue ?? 0)
        let dispute: JSONValue = [
            "id": .string(SandboxIDs.stripe("du_")), "object": "dispute", "amount": .int(amount), "balance_transactions": [],
            "charge": .string(chargeId), "created": .int(now), "currency": charge["currency"] ?? "usd", "evidence": [:],
            "evidence_details": ["due_by": .int(now + 7 * 86_400), "has_evidence": false, "past_due": false, "submission_count": 0],
            "is_charge_refundable": false, "livemode": false, "metadata": [:], "payment_intent": charge["payment_intent"] ?? nil,
            "reason": .string(reason), "status": "needs_response",
        ]
        try SandboxDatabase.putStripe(db, dispute)
        charge["disputed"] = true
        try SandboxDatabase.putStripe(db, charge)
        try emit(db, "charge.dispute.created", dispute)
        return dispute
    }

    // MARK: - Retrieval and expansion

    /// Any stored object by id (`pi_…`, `ch_…`, `tr_…`, `re_…`, `evt_…`), checked against its expected type.
    func retrieve(_ db: Database, id: String, type: String, expand paths: [String]) throws -> JSONValue {
        guard let object = try SandboxDatabase.getStripe(db, id, type: type) else { throw StripeAPIError.noSuch(type, id) }
        return try expand(db, object, paths)
    }

    /// Stripe's `expand[]`: each dotted path replaces an id with the object it names.
    func expand(_ db: Database, _ object: JSONValue, _ paths: [String]) throws -> JSONValue {
        var result = object
        for path in paths {
            let parts = path.split(separator: ".").map(String.init)
            result = try expand(db, result, parts[...], full: path)
        }
        return result
    }

    private func expand(_ db: Database, _ object: JSONValue, _ path: ArraySlice<String>, full: String) throws -> JSONValue {
        guard let head = path.first else { return object }
        var o = object
        if head == "line_items", object["object"]?.stringValue == "checkout.session", let id = object["id"]?.stringValue {
            let items = try SandboxDatabase.getStripe(db, "\(id)#details")?["line_items"] ?? []
            o["line_items"] = ["object": "list", "data": items, "has_more": false,
                               "url": .string("/v1/checkout/sessions/\(id)/line_items")]
            return o
        }
        guard let value = object[head] else {
            throw StripeAPIError.invalid("expand", "This property cannot be expanded (\(full)).")
        }
        if value.isNull { return o }
        var child = value
        if let id = value.stringValue {
            guard let found = try SandboxDatabase.getStripe(db, id) else { return o }
            child = found
        }
        o[head] = try expand(db, child, path.dropFirst(), full: full)
        return o
    }

    // MARK: - Events

    func emit(_ db: Database, _ type: String, _ object: JSONValue, previous: JSONValue? = nil, account: String? = nil) throws {
        let now = clock.unixTime
        var data: [String: JSONValue] = ["object": object]
        if let previous { data["previous_attributes"] = previous }
        var event: JSONValue = [
            "id": .string(SandboxIDs.stripe("evt_")), "object": "event", "api_version": .string(Self.apiVersion),
            "created": .int(now), "data": .object(data), "livemode": false, "pending_webhooks": 1,
            "request": ["id": nil, "idempotency_key": nil], "type": .string(type),
        ]
        if let account { event["account"] = .string(account) }
        try SandboxDatabase.putStripe(db, event)
        try db.execute(sql: "INSERT INTO stripe_event (id, type, json, created, next_attempt_at) VALUES (?, ?, ?, ?, ?)",
                       arguments: [event["id"]?.stringValue, type, event.encoded(), now, clock.now().timeIntervalSince1970])
    }

    // MARK: - Parameter helpers

    static func rejectUnknown(_ form: StripeForm, allowed: Set<String>) throws {
        for key in form.keys {
            let top = String(key.prefix { $0 != "[" })
            guard allowed.contains(top) else { throw StripeAPIError.unknown(top) }
        }
    }

    static func integer(_ form: StripeForm, _ key: String, required: Bool, minimum: Int64) throws -> Int64? {
        guard let raw = form[key], !raw.isEmpty else {
            if required { throw StripeAPIError.missing(key) }
            return nil
        }
        guard let value = Int64(raw) else { throw StripeAPIError.invalidInteger(key, raw) }
        guard value >= minimum else {
            throw StripeAPIError(status: 400, code: "parameter_invalid_integer",
                                 message: "This value must be greater than or equal to \(minimum).", param: key)
        }
        return value
    }

    static func metadata(_ form: StripeForm, _ prefix: String) throws -> [String: String] {
        let entries = form.dictionary(under: prefix)
        guard entries.count <= 50 else { throw StripeAPIError.invalid(prefix, "Metadata can have at most 50 keys.") }
        for (k, v) in entries {
            guard k.count <= 40 else { throw StripeAPIError.invalid("\(prefix)[\(k)]", "Metadata keys can be at most 40 characters long.") }
            guard v.count <= 500 else { throw StripeAPIError.invalid("\(prefix)[\(k)]", "Metadata values can be at most 500 characters long.") }
        }
        return entries
    }

    static func checkURL(_ text: String, param: String) throws {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              url.host != nil else {
            throw StripeAPIError(status: 400, code: "url_invalid", message: "Not a valid URL", param: param)
        }
    }
}
