import TechFlunkyClient

/// Work `update` asks for and the `EffectRunner` performs; each comes back as a `Message`.
public enum Effect: Sendable, Hashable {
    case request(RequestID, ServiceRequest)
    /// Send `.timerFired(id)` after the delay (debounce).
    case timer(TimerID, after: Duration)
    /// Start a long-lived source of messages (a deployment's event stream); each update comes back as
    /// `.subscription(id, update)` until it ends or is cancelled.
    case subscribe(SubscriptionID, Subscription)
    /// Stop a subscription (the pane watching it went away).
    case unsubscribe(SubscriptionID)
    /// Put text on the terminal's clipboard (OSC 52): what `y` copies, even over SSH and in tmux.
    case copyToClipboard(String)
    case quit
}
