import Foundation
import TechFlunkyClient

/// A screen of the UI (Browse, Listing detail, Checkout…). A pane is a value: its state plus pure functions
/// to update and render it. It never performs I/O; it asks for requests and timers with `PaneCommand`s and
/// receives their results as messages. See `PaneStack.swift` for how to add one.
public protocol Pane: Sendable {
    /// What a key of this pane does (typically a small enum).
    associatedtype Action: Sendable

    var kind: PaneKind { get }
    /// Shown in the breadcrumb and the help title.
    var title: String { get }
    /// True while the pane takes typed text (a search field): unbound keys go to `handleText` before global keys.
    var capturesText: Bool { get }
    /// True while something animates (a spinner): the loop then sends `.tick` messages.
    var isAnimating: Bool { get }
    /// Why quitting now would drop something the person cares about (a deployment being followed, typed
    /// input): `q` then asks first. Nil when quitting loses nothing.
    var quitWarning: String? { get }

    /// The key map, given the current state (so entries can be disabled with a reason).
    func keyMap() -> [KeyBinding<Action>]
    /// Called once when the pane first becomes visible: start loading.
    mutating func start(_ ctx: inout PaneContext) -> [PaneCommand]
    mutating func perform(_ action: Action, _ ctx: inout PaneContext) -> [PaneCommand]
    /// A key no binding claimed (typed text while `capturesText`). Return nil if not handled.
    mutating func handleText(_ key: Key, _ ctx: inout PaneContext) -> [PaneCommand]?
    /// Responses, timers, ticks and mouse events. Panes ignore request ids they did not issue.
    mutating func receive(_ message: Message, _ ctx: inout PaneContext) -> [PaneCommand]
    func render(into canvas: inout Canvas, area: Rect, _ ctx: RenderContext)
}

extension Pane {
    public var capturesText: Bool { false }
    public var isAnimating: Bool { false }
    public var quitWarning: String? { nil }
    public mutating func start(_ ctx: inout PaneContext) -> [PaneCommand] { [] }
    public mutating func handleText(_ key: Key, _ ctx: inout PaneContext) -> [PaneCommand]? { nil }
    public mutating func receive(_ message: Message, _ ctx: inout PaneContext) -> [PaneCommand] { [] }

    /// The pane's key map without actions, for the footer and help.
    public var hints: [KeyHint] { keyMap().map(\.hint) }

    /// Looks a key up in the key map and performs it. nil when no binding matches.
    public mutating func handleBoundKey(_ key: Key, _ ctx: inout PaneContext) -> [PaneCommand]? {
        guard let binding = keyMap().binding(for: key) else { return nil }
        if let reason = binding.disabledReason { return [.status(.info(reason))] }
        return perform(binding.action, &ctx)
    }
}

/// What a pane asks of the app after handling something.
public enum PaneCommand: Sendable {
    case request(RequestID, ServiceRequest)
    case timer(TimerID, after: Duration)
    case subscribe(SubscriptionID, Subscription)
    case unsubscribe(SubscriptionID)
    case push(any Pane)
    case pop
    case status(StatusMessage)
    /// Put text on the terminal's clipboard (OSC 52).
    case copy(String)
    case quit
}

/// What a pane may read and allocate while updating: ids for requests and timers (so results can be matched),
/// the clock, and the size of its area.
public struct PaneContext: Sendable {
    public var nextID: Int
    public var now: Date
    /// The rows and columns the pane has on screen (for paging and load-ahead).
    public var area: Rect
    public var environment: UIEnvironment
    /// The listings the signed-in account watches (`w` toggles; AppState keeps the set).
    public var watchedSlugs: Set<String>

    public init(nextID: Int = 1, now: Date = Date(), area: Rect, environment: UIEnvironment, watchedSlugs: Set<String> = []) {
        self.nextID = nextID
        self.now = now
        self.area = area
        self.environment = environment
        self.watchedSlugs = watchedSlugs
    }

    public mutating func newRequestID() -> RequestID {
        defer { nextID += 1 }
        return RequestID(nextID)
    }

    public mutating func newTimerID() -> TimerID {
        defer { nextID += 1 }
        return TimerID(nextID)
    }

    public mutating func newSubscriptionID() -> SubscriptionID {
        defer { nextID += 1 }
        return SubscriptionID(nextID)
    }
}

/// What a pane may read while rendering.
public struct RenderContext: Sendable {
    public var now: Date
    /// Counts ticks, for spinners.
    public var frame: Int
    public var environment: UIEnvironment
    /// The listings the signed-in account watches (rows show ★).
    public var watchedSlugs: Set<String>

    public init(now: Date = Date(), frame: Int = 0, environment: UIEnvironment, watchedSlugs: Set<String> = []) {
        self.now = now
        self.frame = frame
        self.environment = environment
        self.watchedSlugs = watchedSlugs
    }
}

/// A line in the status bar: information or an error (theme problems, failed requests).
public struct StatusMessage: Hashable, Sendable {
    public enum Level: Hashable, Sendable { case info, warning, error }
    public var text: String
    public var level: Level

    public init(_ text: String, level: Level) {
        self.text = text
        self.level = level
    }

    public static func info(_ text: String) -> StatusMessage { StatusMessage(text, level: .info) }
    public static func error(_ text: String) -> StatusMessage { StatusMessage(text, level: .error) }
}
