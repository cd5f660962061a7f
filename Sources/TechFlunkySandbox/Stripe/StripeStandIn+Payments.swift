import Foundation
import GRDB

/// Paying a Checkout Session: the test card, declines, and delayed (async) payment methods, with their
/// payment intent and charge.
extension StripeStandIn {
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
}
