import Foundation
import TechFlunkyCore

/// Whether the platform answered the last request.
public enum ConnectionState: Hashable, Sendable {
    case connecting
    case up
    case down(String)
}

/// The one state value of the UI. `AppUpdate` changes it, `AppRenderer` draws it; nothing else holds UI state.
public struct AppState: Sendable {
    public var width: Int
    public var height: Int
    public var environment: UIEnvironment
    public var tabs: [PaneStack]
    public var activeTab: TabKind
    public var showingHelp = false
    /// Set while `q` asks whether to quit: why quitting would drop something.
    public var confirmingQuit: String?
    public var helpScroll = 0
    public var status: StatusMessage?
    public var connection: ConnectionState = .connecting
    public var account: Account?
    /// From `GET /api/me`: the platform runs on the offline stand-ins.
    public var platformIsSandbox = false
    public var themes: ThemeSet
    public var now: Date
    public var frame = 0
    /// The next id for requests and timers (shared by all panes so ids never collide).
    public var nextID = 1
    var meRequest: RequestID?
    /// The sandbox platform's health (`GET /api/health`), refreshed every `healthInterval`; nil until known.
    public var platformHealth: PlatformHealth?
    var healthRequest: RequestID?
    var healthTimer: TimerID?
    public static let healthInterval: Duration = .seconds(15)
    /// Unread notifications (the header shows them); nil until known.
    public var unreadNotifications: Int?
    /// The listings the account watches, from `GET /api/watchlist` and every watch/unwatch answer since.
    public var watchedSlugs: Set<String> = []
    var notificationsRequest: RequestID?
    var watchlistRequest: RequestID?
    var notificationsSubscription: SubscriptionID?
    /// The newest notification seen, where the live stream resumes.
    var newestNotification = 0

    public init(width: Int, height: Int, environment: UIEnvironment, themes: ThemeSet = ThemeSet(),
                now: Date = Date(), tabRoots: (TabKind) -> any Pane = PaneFactory.root(for:)) {
        self.width = width
        self.height = height
        self.environment = environment
        self.themes = themes
        self.now = now
        tabs = TabKind.allCases.map { PaneStack(root: tabRoots($0)) }
        activeTab = .browse
        if let problem = themes.problem { status = .error(problem) }
    }

    public var activeStack: PaneStack {
        get { tabs[activeTab.rawValue - 1] }
        set { tabs[activeTab.rawValue - 1] = newValue }
    }

    public var topPane: any Pane { activeStack.top }

    /// The smallest terminal the UI lays out in; below it a message asks for more room.
    public static let minimumWidth = 40
    public static let minimumHeight = 10

    public var isTooSmall: Bool { width < AppState.minimumWidth || height < AppState.minimumHeight }

    /// The rows between the header (two rows) and the status and footer rows.
    public var paneArea: Rect { Rect(x: 0, y: 2, width: width, height: height - 4) }

    /// Whether ticks should flow (something animates, or a request is in flight).
    public var wantsTicks: Bool { tabs.contains { $0.panes.contains { $0.isAnimating } } || connection == .connecting }
}
