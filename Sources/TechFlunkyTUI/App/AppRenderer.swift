import TechFlunkyText

/// The pure render of the Elm architecture: `render(state) -> Canvas`. Layout: a header row (product,
/// platform, account, connection), a tab row with the pane breadcrumb, the pane, a status row, and the footer
/// of key hints generated from the key maps. The `?` help is a modal over the pane.
public enum AppRenderer {
    public static func render(_ state: AppState) -> Canvas {
        var canvas = Canvas(width: state.width, height: state.height)
        guard !state.isTooSmall else {
            renderTooSmall(into: &canvas, state)
            return canvas
        }
        let ctx = RenderContext(now: state.now, frame: state.frame, environment: state.environment, watchedSlugs: state.watchedSlugs)
        renderHeader(into: &canvas, state)
        renderTabRow(into: &canvas, state)
        let area = state.paneArea
        state.topPane.render(into: &canvas, area: area, ctx)
        renderStatus(into: &canvas, state)
        KeyHintBar(hints: footerHints(state)).render(into: &canvas, area: Rect(x: 0, y: state.height - 1, width: state.width, height: 1))
        if state.showingHelp { renderHelp(into: &canvas, state) }
        if let warning = state.confirmingQuit {
            let lines = TextLayout.wrap("Quit TechFlunky? \(warning).", width: max(10, min(60, state.width - 8)))
                .map { StyledLine($0, .text) } + [StyledLine(""), StyledLine("y / Enter quit   any other key stays", .muted)]
            ModalWidget(title: "Quit?", lines: lines).render(into: &canvas, area: state.paneArea)
        }
        return canvas
    }

    /// The pane's hints first, then the global ones.
    public static func footerHints(_ state: AppState) -> [KeyHint] {
        // While a pane takes typed text, global keys type characters instead: do not advertise them.
        state.topPane.capturesText ? state.topPane.hints : state.topPane.hints + AppUpdate.globalKeyMap(state).map(\.hint)
    }

    static func renderTooSmall(into canvas: inout Canvas, _ state: AppState) {
        let message = "Terminal too small: \(state.width)×\(state.height). Need \(AppState.minimumWidth)×\(AppState.minimumHeight). Q quits."
        let lines = TextLayout.wrap(message, width: max(1, state.width))
        let top = max(0, (state.height - lines.count) / 2)
        for (i, line) in lines.enumerated() where top + i < state.height {
            let x = max(0, (state.width - DisplayWidth.of(line)) / 2)
            canvas.write(line, x: x, y: top + i, style: .warning)
        }
    }

    static func renderHeader(into canvas: inout Canvas, _ state: AppState) {
        canvas.fill(Rect(x: 0, y: 0, width: state.width, height: 1), style: .header)
        var x = 1
        x += canvas.write("TechFlunky", x: x, y: 0, style: CellStyle(.header, bold: true))
        let platform = state.platformIsSandbox ? "sandbox" : state.environment.platformLabel
        x += canvas.write("  " + platform, x: x, y: 0, style: .header)
        let connection: String
        switch state.connection {
        case .connecting: connection = "○ connecting"
        case .up: connection = "● connected"
        case .down: connection = "✕ offline"
        }
        let account = state.account.map { $0.displayName.isEmpty ? $0.email : $0.displayName } ?? state.environment.accountLabel
        // Unread notifications first: they are news (N opens them).
        let unread = state.unreadNotifications.flatMap { $0 > 0 ? "✉ \($0) unread  " : nil } ?? ""
        let right = unread + (account.map { TextLayout.truncate(TextSanitizer.line($0), to: 30) + "  " } ?? "") + connection + " "
        let rw = DisplayWidth.of(right)
        var drawRight = state.width - rw > x + 1
        // The sandbox's health takes the room between. A problem matters more than the account's name: when it
        // would get fewer than 16 cells, the right side gives its room up.
        if state.platformIsSandbox, let health = state.platformHealth {
            var room = (drawRight ? state.width - rw - 1 : state.width - 1) - (x + 2)
            if health.status != .ok, drawRight, room < 16 {
                drawRight = false
                room = state.width - 1 - (x + 2)
            }
            if let badge = PlatformHealthBadge.text(health, width: room) {
                canvas.write(badge, x: x + 2, y: 0, style: health.status == .ok ? .header : CellStyle(.header, bold: true))
            }
        }
        if drawRight {
            canvas.write(right, x: state.width - rw, y: 0, style: .header)
        }
    }

    static func tabHitRanges(_ state: AppState) -> [(TabKind, Range<Int>)] {
        let widget = TabsWidget(titles: TabKind.allCases.map(\.title), selected: state.activeTab.rawValue - 1)
        return zip(TabKind.allCases, widget.layout(x: 1)).map { ($0, $1.range) }
    }

    static func renderTabRow(into canvas: inout Canvas, _ state: AppState) {
        let widget = TabsWidget(titles: TabKind.allCases.map(\.title), selected: state.activeTab.rawValue - 1)
        let tabsArea = Rect(x: 1, y: 1, width: state.width - 1, height: 1)
        widget.render(into: &canvas, area: tabsArea)
        var x = widget.end(in: tabsArea)
        let crumbs = state.activeStack.panes.dropFirst().map(\.title)
        if !crumbs.isEmpty {
            x += 1
            let text = "› " + crumbs.map { TextSanitizer.line($0) }.joined(separator: " › ")
            canvas.write(TextLayout.truncate(text, to: max(0, state.width - x - 1)), x: x, y: 1, style: .muted)
        }
    }

    static func renderStatus(into canvas: inout Canvas, _ state: AppState) {
        let y = state.height - 2
        guard let status = state.status else {
            if case let .down(reason) = state.connection {
                canvas.writeFitted("Platform unreachable: \(reason)", x: 1, y: y, width: state.width - 2, style: .error)
            }
            return
        }
        let style: CellStyle = switch status.level {
        case .info: .accent
        case .warning: .warning
        case .error: .error
        }
        canvas.writeFitted(status.text, x: 1, y: y, width: state.width - 2, style: style)
    }

    static func helpLines(_ state: AppState) -> [StyledLine] {
        var lines: [StyledLine] = []
        let paneHints = state.topPane.hints, globalHints = AppUpdate.globalKeyMap(state).map(\.hint)
        // One key column for both sections, as wide as the longest key (`PgDn/Ctrl-F/Space`), up to half the screen.
        let keyWidth = min(max(8, state.width / 2), ((paneHints + globalHints).map { DisplayWidth.of($0.keys) }.max() ?? 0) + 2)
        func section(_ title: String, _ hints: [KeyHint]) {
            guard !hints.isEmpty else { return }
            lines.append(StyledLine(title, CellStyle(.header, bold: true)))
            for hint in hints {
                var spans = [StyledSpan(TextLayout.fit(hint.keys, to: keyWidth), CellStyle(.accent, bold: true)),
                             StyledSpan(hint.description, hint.disabledReason == nil ? .text : .muted)]
                if let reason = hint.disabledReason { spans.append(StyledSpan(" (\(reason))", .muted)) }
                lines.append(StyledLine(spans))
            }
            lines.append(.blank)
        }
        section(state.topPane.title, paneHints)
        section("Everywhere", globalHints)
        lines.append(StyledLine("Ctrl-Z suspends (fg resumes). Mouse: click a tab or row, wheel scrolls.", .muted))
        lines.append(StyledLine("Esc or ? closes this help", .muted))
        return lines
    }

    static func renderHelp(into canvas: inout Canvas, _ state: AppState) {
        let lines = helpLines(state)
        let area = state.paneArea
        ModalWidget(title: "Help: \(state.topPane.title)", lines: lines,
                    scroll: ScrollState(offset: min(state.helpScroll, max(0, lines.count - (area.height - 4)))))
            .render(into: &canvas, area: area)
    }
}
