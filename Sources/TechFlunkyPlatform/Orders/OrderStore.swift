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
    /// Paid orders whose hold has run out with nothing open against them, and whose seller can receive transfers.
    func dueForRelease(now: Date) async throws -> [(order: StoredOrder, destination: String)]
    /// Records a release; false when the order was refunded, disputed, frozen or released meanwhile.
    func markReleased(orderId: String, transferId: String, now: Date) async throws -> Bool
    func setHoldFrozen(orderId: String, reason: String?, now: Date) async throws

    func claimIdempotencyKey(accountId: String, key: String, requestHash: String, now: Date, lifetime: TimeInterval) async throws -> IdempotencyClaim
    func completeIdempotentRequest(accountId: String, key: String, status: Int, body: Data) async throws
    func releaseIdempotencyKey(accountId: String, key: String) async throws
}
