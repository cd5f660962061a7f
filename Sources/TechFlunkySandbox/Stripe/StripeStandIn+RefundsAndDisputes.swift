import Foundation
import GRDB

/// Refunds (by API and as `stripe trigger` would) and disputes.
extension StripeStandIn {
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
}
