/// Identifies one request so that its answer can be matched to the pane that asked, and a stale answer (one
/// overtaken by a newer request) dropped.
public struct RequestID: Hashable, Sendable, CustomStringConvertible {
    public let value: Int
    public init(_ value: Int) { self.value = value }
    public var description: String { "#\(value)" }
}

/// Identifies one scheduled timer (a debounce, a poll).
public struct TimerID: Hashable, Sendable {
    public let value: Int
    public init(_ value: Int) { self.value = value }
}
