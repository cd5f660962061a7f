import Foundation
import TechFlunkyCore

/// The pure update of the Elm architecture: `update(&state, message) -> effects`. No I/O happens here; the
/// returned effects are run by `EffectRunner` and their results come back as messages.
public enum AppUpdate {
    /// What the global keys do (they apply on every pane, after the pane's own keys).
    public enum GlobalAction: Sendable, Hashable {
        case help, back, quitOrBack, quit, cycleTheme, tab(TabKind), notifications, watchlist
    }

    /// The global key map: shown in the footer and the help screen after the pane's own keys.
    public static func globalKeyMap(_ state: AppState) -> [KeyBinding<GlobalAction>] {
        let atRoot = state.activeStack.depth == 1
        return [
            KeyBinding([.char("?")], "help", .help),
            // Esc only ever backs out; q quits at the top (asking first when that would drop something); Q and
            // Ctrl-C quit from anywhere.
            KeyBinding([.escape], "back", .back, footer: !atRoot),
            KeyBinding([.char("q")], atRoot ? "quit" : "back", .quitOrBack, footer: atRoot),
            KeyBinding([.char("Q"), .ctrl("c")], "quit", .quit, footer: !atRoot),
            KeyBinding([.char("t")], "theme", .cycleTheme),
            KeyBinding([.char("1")], "Browse tab", .tab(.browse), footer: false),
            KeyBinding([.char("2")], "Orders tab", .tab(.orders), footer: false),
            KeyBinding([.char("3")], "Payouts tab", .tab(.payouts), footer: false),
            KeyBinding([.char("4")], "Inbox tab (offers and questions)", .tab(.inbox), footer: false),
            // In the footer while something is unread (the header counts it).
            KeyBinding([.char("N")], "notifications", .notifications, footer: atRoot && (state.unreadNotifications ?? 0) > 0),
            KeyBinding([.char("W")], "watchlist & saved searches", .watchlist, footer: false),
            KeyBinding([.char("5")], "Selling tab", .tab(.selling), footer: false),
        ]
    }

    /// Effects to run when the UI starts: who am I, and the first pane's loading.
    public static func start(_ state: inout AppState) -> [Effect] {
        var effects: [Effect] = []
        let id = RequestID(state.nextID)
        state.nextID += 1
        state.meRequest = id
        effects.append(.request(id, .me))
        // The unread count and the watched listings, then the live notifications from the newest one on.
        let notifications = RequestID(state.nextID), watchlist = RequestID(state.nextID + 1)
        state.nextID += 2
        state.notificationsRequest = notifications
        state.watchlistRequest = watchlist
        effects.append(.request(notifications, .notifications))
        effects.append(.request(watchlist, .watchlist))
        effects += startTopPane(&state)
        return effects
    }

    public static func update(_ state: inout AppState, _ message: Message) -> [Effect] {
        switch message {
        case let .key(key):
            return handleKey(&state, key)
        case let .resize(width, height):
            state.width = max(0, width)
            state.height = max(0, height)
            return []
        case let .tick(now):
            state.now = now
            state.frame &+= 1
            return broadcast(&state, message)
        case let .timerFired(id) where id == state.healthTimer:
            return requestHealth(&state)
        case let .subscription(id, update) where id == state.notificationsSubscription:
            return notificationUpdate(&state, update, message)
        case .timerFired, .subscription:
            return broadcast(&state, message)
        case let .response(id, result):
            switch result {
            case .success: state.connection = .up
            case let .failure(failure):
                if failure.isConnectionFailure { state.connection = .down(failure.message) } else { state.connection = .up }
            }
            if id == state.meRequest {
                state.meRequest = nil
                switch result {
                case let .success(.me(me)):
                    state.account = me.account
                    state.platformIsSandbox = me.sandbox
                    // The sandbox's header shows the platform's health; a real platform's is its operator's business.
                    if me.sandbox, state.healthTimer == nil { return requestHealth(&state) }
                case let .failure(failure):
                    state.status = .error("Could not load your account: \(failure.message)")
                default: break
                }
                return []
            }
            if id == state.notificationsRequest {
                state.notificationsRequest = nil
                guard case let .success(.notifications(response)) = result else { return [] }
                state.unreadNotifications = response.unreadCount
                state.newestNotification = response.notifications.map(\.id).max() ?? 0
                return subscribeToNotifications(&state)
            }
            if id == state.watchlistRequest {
                state.watchlistRequest = nil
                if case let .success(.watchlist(items)) = result { state.watchedSlugs = Set(items.map(\.listing.slug)) }
                return broadcast(&state, message)
            }
            // Whatever pane asked, the app keeps the watched set and the unread count.
            switch result {
            case let .success(.watched(item)): state.watchedSlugs.insert(item.listing.slug)
            case let .success(.unwatched(slug)): state.watchedSlugs.remove(slug)
            case let .success(.unreadCount(count)): state.unreadNotifications = count
            default: break
            }
            if id == state.healthRequest {
                state.healthRequest = nil
                // Unknown rather than stale when it cannot be read (the connection indicator says why).
                if case let .success(.platformHealth(health)) = result { state.platformHealth = health } else { state.platformHealth = nil }
                return []
            }
            return broadcast(&state, message)
        case let .mouse(event):
            return handleMouse(&state, event)
        }
    }

    static func subscribeToNotifications(_ state: inout AppState) -> [Effect] {
        guard state.notificationsSubscription == nil else { return [] }
        let id = SubscriptionID(state.nextID)
        state.nextID += 1
        state.notificationsSubscription = id
        return [.subscribe(id, .notifications(after: state.newestNotification))]
    }

    /// The live notifications: the header's count, a status line for a new one, and every pane hears it (the
    /// Notifications pane lists it). A stream that ends is started again from the newest one seen.
    static func notificationUpdate(_ state: inout AppState, _ update: SubscriptionUpdate, _ message: Message) -> [Effect] {
        switch update {
        case let .notifications(.unread(count)):
            state.unreadNotifications = count
        case let .notifications(.notification(notification)):
            state.newestNotification = max(state.newestNotification, notification.id)
            // News replaces a passing info line, never an error the person has not seen yet.
            if state.status?.level != .error { state.status = .info("✉ " + notification.message + "  (N: notifications)") }
        case .finished, .failed:
            state.notificationsSubscription = nil
            let again = RequestID(state.nextID)
            state.nextID += 1
            state.notificationsRequest = again
            return [.request(again, .notifications)]
        default: break
        }
        return broadcast(&state, message)
    }

    /// Asks for the platform's health and for a timer to ask again.
    static func requestHealth(_ state: inout AppState) -> [Effect] {
        let request = RequestID(state.nextID), timer = TimerID(state.nextID + 1)
        state.nextID += 2
        state.healthRequest = request
        state.healthTimer = timer
        return [.request(request, .platformHealth), .timer(timer, after: AppState.healthInterval)]
    }

    // MARK: Keys

    static func handleKey(_ state: inout AppState, _ key: Key) -> [Effect] {
        if key == .ctrl("c") { return [.quit] }
        if state.confirmingQuit != nil {
            switch key {
            case .char("y"), .char("Y"), .enter, .char("Q"): return [.quit]
            default: state.confirmingQuit = nil
            }
            return []
        }
        if state.showingHelp {
            switch key {
            case .char("?"), .escape, .char("q"), .enter: state.showingHelp = false
            case .down, .char("j"): state.helpScroll += 1
            case .up, .char("k"): state.helpScroll = max(0, state.helpScroll - 1)
            case .char("Q"): return [.quit]
            default: break
            }
            return []
        }
        // A status message lasts until the next key.
        state.status = nil
        let tabIndex = state.activeTab.rawValue - 1
        let paneIndex = state.tabs[tabIndex].panes.count - 1
        var ctx = context(state)
        var commands: [PaneCommand]? = nil
        if state.topPane.capturesText {
            commands = state.tabs[tabIndex].panes[paneIndex].handleBoundKey(key, &ctx)
                ?? state.tabs[tabIndex].panes[paneIndex].handleText(key, &ctx)
        } else {
            commands = state.tabs[tabIndex].panes[paneIndex].handleBoundKey(key, &ctx)
        }
        state.nextID = ctx.nextID
        if let commands { return apply(&state, commands, tab: tabIndex) }
        if let binding = globalKeyMap(state).binding(for: key) {
            if let reason = binding.disabledReason { state.status = .info(reason); return [] }
            return perform(&state, binding.action)
        }
        if !state.topPane.capturesText {
            ctx = context(state)
            let text = state.tabs[tabIndex].panes[paneIndex].handleText(key, &ctx)
            state.nextID = ctx.nextID
            if let text { return apply(&state, text, tab: tabIndex) }
        }
        return []
    }

    static func perform(_ state: inout AppState, _ action: GlobalAction) -> [Effect] {
        switch action {
        case .help:
            state.showingHelp = true
            state.helpScroll = 0
            return []
        case .back:
            if state.activeStack.depth == 1 {
                state.status = .info("Nothing to go back to: q quits")
                return []
            }
            state.activeStack.pop()
            return []
        case .quitOrBack:
            if state.activeStack.depth > 1 {
                state.activeStack.pop()
                return []
            }
            if let warning = quitWarning(state) {
                state.confirmingQuit = warning
                return []
            }
            return [.quit]
        case .quit:
            return [.quit]
        case .cycleTheme:
            state.themes.cycle()
            state.status = .info("Theme: \(state.themes.current.name)")
            return []
        case let .tab(tab):
            state.activeTab = tab
            return startTopPane(&state)
        case .notifications:
            if state.topPane.kind == .notifications { return [] }
            let tab = state.activeTab.rawValue - 1
            return apply(&state, [.push(NotificationsPane())], tab: tab)
        case .watchlist:
            if state.topPane.kind == .watchlist { return [] }
            let tab = state.activeTab.rawValue - 1
            return apply(&state, [.push(WatchlistPane())], tab: tab)
        }
    }

    /// What quitting would drop, from every pane of every tab (a deployment followed in Orders counts too).
    static func quitWarning(_ state: AppState) -> String? {
        for stack in state.tabs {
            for pane in stack.panes.reversed() {
                if let warning = pane.quitWarning { return warning }
            }
        }
        return nil
    }

    // MARK: Mouse

    static func handleMouse(_ state: inout AppState, _ event: MouseEvent) -> [Effect] {
        if case let .click(x, y) = event, y == 1 {
            for (tab, range) in AppRenderer.tabHitRanges(state) where range.contains(x) {
                return perform(&state, .tab(tab))
            }
            return []
        }
        let tabIndex = state.activeTab.rawValue - 1
        var ctx = context(state)
        let commands = state.tabs[tabIndex].panes[state.tabs[tabIndex].panes.count - 1].receive(.mouse(event), &ctx)
        state.nextID = ctx.nextID
        return apply(&state, commands, tab: tabIndex)
    }

    // MARK: Plumbing

    static func context(_ state: AppState) -> PaneContext {
        PaneContext(nextID: state.nextID, now: state.now, area: state.paneArea, environment: state.environment, watchedSlugs: state.watchedSlugs)
    }

    /// Gives a message to every pane in every tab (each ignores request and timer ids it did not issue).
    static func broadcast(_ state: inout AppState, _ message: Message) -> [Effect] {
        var pending: [(Int, [PaneCommand])] = []
        for t in state.tabs.indices {
            for p in state.tabs[t].panes.indices {
                var ctx = context(state)
                let commands = state.tabs[t].panes[p].receive(message, &ctx)
                state.nextID = ctx.nextID
                if !commands.isEmpty { pending.append((t, commands)) }
            }
        }
        var effects: [Effect] = []
        for (t, commands) in pending { effects += apply(&state, commands, tab: t) }
        return effects
    }

    /// Starts the active tab's top pane if it has not started yet.
    static func startTopPane(_ state: inout AppState) -> [Effect] {
        let t = state.activeTab.rawValue - 1
        guard state.tabs[t].startedDepth < state.tabs[t].panes.count else { return [] }
        state.tabs[t].startedDepth = state.tabs[t].panes.count
        var ctx = context(state)
        let last = state.tabs[t].panes.count - 1
        let commands = state.tabs[t].panes[last].start(&ctx)
        state.nextID = ctx.nextID
        return apply(&state, commands, tab: t)
    }

    static func apply(_ state: inout AppState, _ commands: [PaneCommand], tab: Int) -> [Effect] {
        var effects: [Effect] = []
        for command in commands {
            switch command {
            case let .request(id, request): effects.append(.request(id, request))
            case let .timer(id, delay): effects.append(.timer(id, after: delay))
            case let .subscribe(id, subscription): effects.append(.subscribe(id, subscription))
            case let .unsubscribe(id): effects.append(.unsubscribe(id))
            case let .push(pane):
                state.tabs[tab].push(pane)
                if tab == state.activeTab.rawValue - 1 { effects += startTopPane(&state) }
            case .pop: state.tabs[tab].pop()
            case let .status(message): state.status = message
            case let .copy(text):
                effects.append(.copyToClipboard(text))
                state.status = .info("Copied to the clipboard (y); if your terminal does not take OSC 52, select the text instead")
            case .quit: effects.append(.quit)
            }
        }
        return effects
    }
}
