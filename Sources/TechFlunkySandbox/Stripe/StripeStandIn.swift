import Foundation
import GRDB
import Synchronization

/// The Stripe stand-in's behaviour: the objects and state changes of exactly the Stripe endpoints the
/// platform calls (Checkout Sessions, Connect accounts and links, transfers and reversals, refunds), plus
/// what a test card, the onboarding page and `stripe trigger` would do. Every operation runs in one SQLite
/// transaction: a request that fails validation changes nothing. Events are written in the same
/// transaction and delivered afterwards by `StripeWebhookDeliverer`.
///
/// This file holds the shared state, authentication and idempotency, retrieval with `expand[]` and the
/// parameter checks; each resource's operations are in `StripeStandIn+<Resource>.swift` (CheckoutSessions,
/// Payments, Accounts, Transfers, RefundsAndDisputes, Events).
public final class StripeStandIn: Sendable {
    /// The version the stand-in answers as: the reference document's (../shared/specs/stripe.openapi.json).
    public static let apiVersion = "2023-08-16"

    struct Settings {
        var publicBase: String
        var secretKey: String?
    }

    let database: SandboxDatabase
    let clock: MovableClock
    private let settings: Mutex<Settings>
    let deliverer: StripeWebhookDeliverer

    init(database: SandboxDatabase, clock: MovableClock, secretKey: String?, deliverer: StripeWebhookDeliverer) {
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
