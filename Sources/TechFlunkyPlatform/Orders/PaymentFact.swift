import Foundation

/// What a verified Stripe event says happened, reduced to the facts the platform records.
public enum PaymentFact: Sendable, Equatable {
    /// The checkout session was paid (`checkout.session.completed` with `payment_status=paid`, or
    /// `…async_payment_succeeded`). `orderId` is the session's `client_reference_id`.
    case paid(orderId: String?, sessionId: String, paymentIntentId: String?, chargeId: String?)
    /// Completed, but a delayed payment method has not settled yet.
    case awaitingPayment(orderId: String?, sessionId: String, paymentIntentId: String?)
    /// The delayed payment failed, or the session expired unpaid.
    case paymentFailed(orderId: String?, sessionId: String)
    case sessionExpired(orderId: String?, sessionId: String)
    /// The charge was refunded in full. `orderId` is the charge's `transfer_group`.
    case refunded(orderId: String?, chargeId: String, paymentIntentId: String?)
    case disputed(orderId: String?, chargeId: String, paymentIntentId: String?)
    /// A Connect account's flags changed.
    case connectAccountUpdated(stripeAccountId: String, detailsSubmitted: Bool, chargesEnabled: Bool, payoutsEnabled: Bool)
    /// An event the platform does not act on (still recorded, so a repeat is a no-op).
    case ignored
}

/// What applying an event did.
public enum PaymentFactOutcome: Sendable, Equatable {
    /// The event id was seen before: nothing changed.
    case duplicate
    /// Applied; the order it touched (if any) and its state before and after.
    case applied(orderId: String?, before: String?, after: String?)
    /// No order matches yet (the event may precede the order's own); recorded as processed.
    case unmatched
}
