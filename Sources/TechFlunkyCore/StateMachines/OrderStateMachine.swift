import Foundation

// Order states: pending_payment → paid → in_review → released, or refunded, disputed, expired.
//
// Stripe delivers webhooks at least once and in any order, and the platform expires unpaid orders on
// its own clock, so a few moves exist only because the world reports late:
// - expired → paid: the buyer paid just before the session expired and `checkout.session.completed`
//   arrived after our expiry. The money is real, so the order is paid.
// - pending_payment/expired → refunded or disputed: a refund or dispute proves a payment happened
//   even when its completion event has not arrived yet.
// - released → refunded/disputed: after the transfer, a refund needs a transfer reversal and a
//   dispute can still be opened; both are recorded, not rejected.
// - disputed → in_review/released/refunded: a dispute is won (back to where the money was: under
//   review, or released if it had been) or lost (the buyer has the money back).
// `refunded` is the only terminal state.
extension OrderState: StateMachineState {
    public static var machineName: String { "order" }

    public var allowedNextStates: Set<OrderState> {
        switch self {
        case .pendingPayment: [.paid, .expired, .refunded, .disputed]
        case .paid: [.inReview, .refunded, .disputed]
        case .inReview: [.released, .refunded, .disputed]
        case .released: [.refunded, .disputed]
        case .disputed: [.inReview, .released, .refunded]
        case .expired: [.paid, .refunded, .disputed]
        case .refunded: []
        }
    }

    /// Whether money has been taken for this order and not given back.
    public var isPaid: Bool { [.paid, .inReview, .released, .disputed].contains(self) }
}

/// What happens to an order, from Stripe's webhooks or the platform's own scheduler.
public enum OrderEvent: String, Sendable, CaseIterable, Codable {
    /// `checkout.session.completed` with `payment_status = paid`, or `checkout.session.async_payment_succeeded`.
    case paymentSucceeded = "payment_succeeded"
    /// `checkout.session.expired`, or the platform's own expiry of an unpaid order.
    case sessionExpired = "session_expired"
    /// The platform starts the review hold (right after payment).
    case reviewStarted = "review_started"
    /// The platform released the seller's share (`POST /v1/transfers` succeeded).
    case holdReleased = "hold_released"
    /// `charge.refunded` (a full refund).
    case refunded
    /// `charge.dispute.created`.
    case disputeOpened = "dispute_opened"
    /// `charge.dispute.closed` with status `won`.
    case disputeWon = "dispute_won"
    /// `charge.dispute.closed` with status `lost`.
    case disputeLost = "dispute_lost"
}

/// The result of applying an event: the order moves, or the event is stale or a repeat and changes nothing.
public enum OrderEventOutcome: Sendable, Hashable {
    case moved(to: OrderState)
    case ignored(reason: String)
}

extension OrderState {
    /// Applies an event the way webhook handling needs: events that arrive late or twice are ignored
    /// (with the reason, for the log), events that make sense move the order, and an event the platform
    /// itself should never send in this state throws.
    ///
    /// - Parameter wasReleased: whether the seller's share had been transferred before (the order's
    ///   `releasedAt` is set); a won dispute returns the order there.
    public func applying(_ event: OrderEvent, wasReleased: Bool = false) throws(IllegalStateTransition) -> OrderEventOutcome {
        func move(_ next: OrderState) throws(IllegalStateTransition) -> OrderEventOutcome { .moved(to: try transition(to: next)) }
        switch (event, self) {
        case (.paymentSucceeded, .pendingPayment), (.paymentSucceeded, .expired):
            return try move(.paid)
        case (.paymentSucceeded, _):
            return .ignored(reason: "payment already recorded; the order is \(rawValue)")
        case (.sessionExpired, .pendingPayment):
            return try move(.expired)
        case (.sessionExpired, _):
            return .ignored(reason: "the session expired after the order became \(rawValue)")
        // The platform's own moves are narrower than the table: the hold starts only after payment, and
        // money is released only from review (never while a dispute is open, though a won dispute may
        // return an order to released).
        case (.reviewStarted, .paid):
            return try move(.inReview)
        case (.holdReleased, .inReview):
            return try move(.released)
        case (.reviewStarted, _):
            throw IllegalStateTransition(machine: Self.machineName, from: rawValue, to: OrderState.inReview.rawValue)
        case (.holdReleased, _):
            throw IllegalStateTransition(machine: Self.machineName, from: rawValue, to: OrderState.released.rawValue)
        case (.refunded, .refunded):
            return .ignored(reason: "already refunded")
        case (.refunded, _):
            return try move(.refunded)
        case (.disputeOpened, .disputed):
            return .ignored(reason: "a dispute is already open")
        case (.disputeOpened, .refunded):
            return .ignored(reason: "the payment was already refunded")
        case (.disputeOpened, _):
            return try move(.disputed)
        case (.disputeWon, .disputed):
            return try move(wasReleased ? .released : .inReview)
        case (.disputeLost, .disputed):
            return try move(.refunded)
        case (.disputeWon, _), (.disputeLost, _):
            return .ignored(reason: "no dispute is open; the order is \(rawValue)")
        }
    }
}
