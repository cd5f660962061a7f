import Foundation
import GRDB

/// Events: written in the operation's transaction, delivered afterwards by `StripeWebhookDeliverer`.
extension StripeStandIn {
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
}
