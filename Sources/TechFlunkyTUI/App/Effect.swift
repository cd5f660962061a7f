/// Work `update` asks for and the `EffectRunner` performs; each comes back as a `Message`.
public enum Effect: Sendable, Hashable {
    case request(RequestID, ServiceRequest)
    /// Send `.timerFired(id)` after the delay (debounce).
    case timer(TimerID, after: Duration)
    case quit
    /// Ctrl-Z: give the terminal back and stop; redraw on resume.
    case suspend
}
