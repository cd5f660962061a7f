import Foundation

/// Where a sale's payout hold stands, derived from the order and what is open against it. Pure, so the
/// payout scheduler and the seller's payouts view agree on one rule:
/// release when the review period is over and nothing is open (refund, dispute, or a deployment that
/// failed in the package's own steps).
public enum PayoutHold {
    /// The hold state a seller sees for `order` at `now`; nil for an order that is not a sale (unpaid or expired).
    /// - Parameter openIssue: why the payout must wait although the period may be over (e.g. "deployment
    ///   failed in create_databases"); nil when nothing is open.
    public static func state(of order: Order, now: Date, openIssue: String?, policy: FeePolicy = .standard) -> HoldState? {
        switch order.state {
        case .pendingPayment, .expired: return nil
        case .refunded: return .refunded
        case .disputed: return .disputed
        case .released: return .released
        case .paid, .inReview:
            guard let paidAt = order.paidAt else { return .inReview }
            return openIssue != nil && policy.isHoldOver(paidAt: paidAt, now: now) ? .frozen : .inReview
        }
    }

    /// Whether the scheduler should release (transfer) the seller's share now.
    public static func isReleasable(_ order: Order, now: Date, openIssue: String?, policy: FeePolicy = .standard) -> Bool {
        guard order.state == .inReview, openIssue == nil, let paidAt = order.paidAt else { return false }
        return policy.isHoldOver(paidAt: paidAt, now: now)
    }
}
