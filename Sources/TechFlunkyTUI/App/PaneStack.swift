import TechFlunkyClient

/// The panes of one tab, top last: Enter pushes a pane (Browse → Listing → Checkout), Esc or `q` pops it.
///
/// ## Adding a pane
/// 1. Add a case to `PaneKind` below (it names the pane in tests and the help title).
/// 2. Write `Panes/<Name>Pane.swift`: a struct conforming to `Pane` with an `Action` enum, `keyMap()` (the
///    footer and `?` help come from it), `perform`, `receive` (match the `RequestID`s you issued; ignore
///    others, which makes stale answers harmless), and a pure `render(into:area:_:)` using `Widgets/`.
/// 3. Reach it with `.push(MyPane(...))` from another pane, or make it a tab root in `PaneFactory`.
/// If it calls a new endpoint, add a case to `ServiceRequest`/`ServiceResponse` and one line to `EffectRunner`.
/// Test it by rendering into a `Canvas` and comparing `canvas.text`, and by sending it keys through `AppUpdate`.
public enum PaneKind: String, Hashable, Sendable {
    case browse
    case listingDetail
    case placeholder
    case checkout
    case deploy
    case orders
    case payouts
    case compare
    case documentViewer
    case inbox
    case notifications
    case watchlist
    case selling
}

public struct PaneStack: Sendable {
    public var panes: [any Pane]
    /// Whether the top pane's `start` ran.
    var startedDepth: Int = 0

    public init(root: any Pane) {
        panes = [root]
    }

    public var top: any Pane { panes[panes.count - 1] }
    public var depth: Int { panes.count }

    mutating func push(_ pane: any Pane) { panes.append(pane) }

    /// Pops the top pane; the root stays.
    @discardableResult
    mutating func pop() -> Bool {
        guard panes.count > 1 else { return false }
        panes.removeLast()
        startedDepth = min(startedDepth, panes.count)
        return true
    }
}

/// The tabs of the main screen, switched with the number keys.
public enum TabKind: Int, CaseIterable, Sendable, Hashable {
    case browse = 1
    case orders = 2
    case payouts = 3
    case inbox = 4
    case selling = 5

    public var title: String {
        switch self {
        case .browse: "Browse"
        case .orders: "Orders"
        case .payouts: "Payouts"
        case .inbox: "Inbox"
        case .selling: "Selling"
        }
    }
}
