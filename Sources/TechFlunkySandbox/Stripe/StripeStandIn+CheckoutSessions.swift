import Foundation
import GRDB

/// Checkout Sessions: create, retrieve, expire (on request or when due).
extension StripeStandIn {
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
}
