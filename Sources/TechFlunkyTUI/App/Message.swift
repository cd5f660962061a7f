import Foundation
import TechFlunkyClient

/// Everything that can happen to the UI: input, time, and the results of effects. `AppUpdate.update` is the
/// only thing that turns messages into a new state.
public enum Message: Sendable {
    case key(Key)
    case mouse(MouseEvent)
    case resize(width: Int, height: Int)
    /// Time passes (spinners, elapsed times). Sent about ten times a second while something animates.
    case tick(Date)
    case timerFired(TimerID)
    case response(RequestID, Result<ServiceResponse, ServiceFailure>)
    /// One update of a subscription (see `Effect.subscribe`).
    case subscription(SubscriptionID, SubscriptionUpdate)
}
