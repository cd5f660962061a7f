import Foundation
import TechFlunkyCore

/// The result of claiming an `Idempotency-Key` for a request.
public enum IdempotencyClaim: Sendable, Equatable {
    /// First use: go ahead, then `completeIdempotentRequest` (or `releaseIdempotencyKey` on failure).
    case claimed
    /// Same key and same body: the first response, to send again.
    case replay(status: Int, body: Data)
    /// Same key, another body.
    case mismatch
    /// The first request with this key is still running.
    case inProgress
}

/// Orders, their payment facts and payout holds, processed Stripe events, and idempotency keys.
public protocol OrderStore: Sendable {
    /// Whether `buyerId` holds a paid (not refunded) order for the listing.
    func ownsListing(buyerId: String, listingId: String) async throws -> Bool
    /// The buyer's unpaid order for the listing whose checkout session is still open at `now`, if any.
    func openCheckout(buyerId: String, listingId: String, now: Date) async throws -> StoredOrder?
    func insert(_ order: StoredOrder) async throws
    func attachCheckoutSession(orderId: String, sessionId: String, url: String, expiresAt: Date) async throws
    func delete(orderId: String) async throws
    func order(id: String) async throws -> StoredOrder?
    func orders(buyerId: String) async throws -> [StoredOrder]
    /// Every paid order of a seller, newest first.
    func sales(sellerId: String) async throws -> [StoredOrder]
    /// Records the event id and applies its fact in one transaction; a repeated id changes nothing.
    func apply(eventId: String, eventType: String, fact: PaymentFact, holdInterval: TimeInterval, now: Date) async throws -> PaymentFactOutcome
    /// Paid orders whose hold has run out with nothing open against them, and whose seller can receive transfers
    /// (claimed or not: what is due, for reading; the release scheduler claims through `claimDueHolds`).
    func dueForRelease(now: Date) async throws -> [(order: StoredOrder, destination: String)]
    /// Claims up to `limit` of the holds `dueForRelease` lists that nobody holds a live claim on, for `claimant`
    /// until `now + lease`, and returns them. Every instance runs the release scheduler: a claim makes one of them
    /// transfer each hold; a claim whose instance died lapses at its end and the hold is claimed again (the
    /// transfer's Stripe idempotency key, derived from the order, makes that second attempt Stripe's first answer).
    func claimDueHolds(now: Date, claimant: String, for lease: TimeInterval, limit: Int) async throws -> [(order: StoredOrder, destination: String)]
    /// Gives a claim back before its end (the transfer failed; the next pass, on any instance, tries again).
    func releaseHoldClaim(orderId: String, claimant: String) async throws
    /// Records a release (and ends its claim); false when the order was refunded, disputed, frozen or released meanwhile.
    func markReleased(orderId: String, transferId: String, now: Date) async throws -> Bool
    func setHoldFrozen(orderId: String, reason: String?, now: Date) async throws
    /// Due holds counted as `/api/health` reports them (see `HoldCounts`).
    func holdCounts(dueBefore: Date) async throws -> HoldCounts
    /// Holds by state as `/metrics` reports them, with the past-due count at `now`.
    func holdSnapshot(now: Date) async throws -> HoldSnapshot

    func claimIdempotencyKey(accountId: String, key: String, requestHash: String, now: Date, lifetime: TimeInterval) async throws -> IdempotencyClaim
    func completeIdempotentRequest(accountId: String, key: String, status: Int, body: Data) async throws
    func releaseIdempotencyKey(accountId: String, key: String) async throws
}

/// Holds whose review ended at or before a time, not frozen and not yet released, refunded or disputed, split as
/// the release scheduler sees them: `pastDue` are holds it could release and has not (a stuck scheduler or Stripe
/// refusing transfers: an operator's alarm, the one count `/metrics` and `/api/health` report as "past due");
/// `awaitingPayouts` wait for their seller to finish Stripe onboarding (payouts enabled), which the scheduler rightly
/// skips: the seller's business, not the platform's failure.
public struct HoldCounts: Sendable, Equatable {
    public var pastDue: Int
    public var awaitingPayouts: Int
}

/// Payout holds by state (`frozen` is a paid order's hold past its end with a freeze on it; `in_review` the rest of the
/// paid ones; released, refunded and disputed as the order's state), and how many are past due.
public struct HoldSnapshot: Sendable, Equatable {
    public var byState: [String: Int]
    public var pastDue: Int
}
