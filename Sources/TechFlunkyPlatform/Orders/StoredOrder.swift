import Foundation
import GRDB
import TechFlunkyCore

/// An order as the platform stores it: the wire `Order` plus the payment facts behind its state.
/// The state is derived from the facts (`derivedState`), so events that arrive out of order still end in
/// the right state: a refund recorded before the payment it refunds leaves the order refunded.
public struct StoredOrder: Sendable, Hashable {
    public var id: String
    public var listingId: String
    public var listingSlug: String
    public var listingTitle: String
    public var buyerId: String
    public var sellerId: String
    public var amount: Money
    public var platformFee: Money
    public var sellerShare: Money
    public var state: OrderState
    public var checkoutSessionId: String?
    public var checkoutURL: String?
    public var sessionExpiresAt: Date?
    public var paymentIntentId: String?
    public var chargeId: String?
    public var createdAt: Date
    public var paidAt: Date?
    public var holdUntil: Date?
    public var holdFrozenReason: String?
    public var refundedAt: Date?
    public var disputedAt: Date?
    public var expiredAt: Date?
    public var releasedAt: Date?
    public var transferId: String?

    /// Refund and dispute outrank release, release outranks payment, payment outranks expiry.
    public var derivedState: OrderState {
        if refundedAt != nil { return .refunded }
        if disputedAt != nil { return .disputed }
        if releasedAt != nil { return .released }
        // Paid: the review period (and the seller's hold) runs from the moment of payment.
        if paidAt != nil { return .inReview }
        if expiredAt != nil { return .expired }
        return .pendingPayment
    }

    public var order: Order {
        Order(id: id, listingSlug: listingSlug, listingTitle: listingTitle, buyerId: buyerId, sellerId: sellerId, state: state,
              amount: amount, platformFee: platformFee, sellerShare: sellerShare, checkoutSessionId: checkoutSessionId,
              checkoutURL: checkoutURL, createdAt: createdAt, paidAt: paidAt, holdUntil: holdUntil, releasedAt: releasedAt)
    }

    /// The sale as the seller's payouts show it; nil before payment.
    public func payout(now: Date, sellerCanReceive: Bool) -> Payout? {
        guard let paidAt, let holdUntil else { return nil }
        var state: HoldState = .inReview
        var reason: String?
        if refundedAt != nil { state = .refunded }
        else if disputedAt != nil { state = .disputed; reason = "the buyer disputed the payment" }
        else if releasedAt != nil { state = .released }
        else if let holdFrozenReason { state = .frozen; reason = holdFrozenReason }
        else if now >= holdUntil && !sellerCanReceive {
            state = .frozen
            reason = "finish seller onboarding (Stripe) to receive this payout"
        }
        return Payout(orderId: id, listingSlug: listingSlug, listingTitle: listingTitle, soldAt: paidAt, gross: amount, fee: platformFee,
                      net: sellerShare, state: state, holdUntil: holdUntil, releasedAt: releasedAt, transferId: transferId, reason: reason)
    }

    init(row: Row) {
        let currency = Currency(code: row["currency"])
        id = row["id"]
        listingId = row["listing_id"]
        listingSlug = row["listing_slug"]
        listingTitle = row["listing_title"]
        buyerId = row["buyer_id"]
        sellerId = row["seller_id"]
        amount = Money(minorUnits: row["amount"], currency: currency)
        platformFee = Money(minorUnits: row["fee"], currency: currency)
        sellerShare = Money(minorUnits: row["seller_share"], currency: currency)
        state = OrderState(rawValue: row["state"]) ?? .pendingPayment
        checkoutSessionId = row["checkout_session_id"]
        checkoutURL = row["checkout_url"]
        sessionExpiresAt = StoredTime.decode(row["session_expires_at"] as Int64?)
        paymentIntentId = row["payment_intent_id"]
        chargeId = row["charge_id"]
        createdAt = StoredTime.decode(row["created_at"] as Int64)
        paidAt = StoredTime.decode(row["paid_at"] as Int64?)
        holdUntil = StoredTime.decode(row["hold_until"] as Int64?)
        holdFrozenReason = row["hold_frozen_reason"]
        refundedAt = StoredTime.decode(row["refunded_at"] as Int64?)
        disputedAt = StoredTime.decode(row["disputed_at"] as Int64?)
        expiredAt = StoredTime.decode(row["expired_at"] as Int64?)
        releasedAt = StoredTime.decode(row["released_at"] as Int64?)
        transferId = row["transfer_id"]
    }

    public init(id: String, listing: ListingForSale, buyerId: String, split: FeeSplit, now: Date) {
        self.id = id
        listingId = listing.id
        listingSlug = listing.slug
        listingTitle = listing.title
        self.buyerId = buyerId
        sellerId = listing.sellerId
        amount = split.amount
        platformFee = split.platformFee
        sellerShare = split.sellerShare
        state = .pendingPayment
        createdAt = StoredTime.decode(StoredTime.encode(now))
    }
}
