import Foundation
import GRDB

/// Connect accounts, account links and the hosted onboarding that completes them.
extension StripeStandIn {
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
}
