import Foundation
import GRDB

/// Transfers to connected accounts and their reversals.
extension StripeStandIn {
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
}
