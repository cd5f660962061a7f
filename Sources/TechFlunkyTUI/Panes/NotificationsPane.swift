import Foundation
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyText

/// The account's notifications, newest first, growing live as the app's notifications stream delivers them.
/// Enter opens the listing one is about (and marks it read); `r` marks the selected one read, `a` all of them.
public struct NotificationsPane: Pane {
    public enum Action: Sendable, Hashable { case up, down, top, bottom, open, markRead, markAllRead, refresh }

    public let kind = PaneKind.notifications
    public let title = "Notifications"
    public private(set) var notifications: [MarketNotification] = []
    public private(set) var loaded = false
    public private(set) var failure: String?
    public private(set) var table = TableState()
    var request: RequestID?
    var openRequest: RequestID?
    var markRequest: RequestID?
    var visibleRows = 10

    public init(notifications: [MarketNotification]? = nil) {
        if let notifications {
            self.notifications = notifications
            loaded = true
        }
    }

    public var isAnimating: Bool { (!loaded && failure == nil) || openRequest != nil }

    var selected: MarketNotification? { notifications.indices.contains(table.selected) ? notifications[table.selected] : nil }
    var unreadCount: Int { notifications.filter(\.isUnread).count }

    public func keyMap() -> [KeyBinding<Action>] {
        let item = selected
        return [
            KeyBinding([.up, .char("k")], "up", .up, footer: false),
            KeyBinding([.down, .char("j")], "down", .down, footer: false),
            KeyBinding([.home, .char("g")], "first", .top, footer: false),
            KeyBinding([.end, .char("G")], "last", .bottom, footer: false),
            KeyBinding([.enter], "open listing", .open,
                       disabled: item == nil ? "no notification selected" : (item?.listingSlug == nil ? "this one is not about a listing" : nil)),
            KeyBinding([.char("r")], "mark read", .markRead, disabled: item?.isUnread == true ? nil : "already read"),
            KeyBinding([.char("a")], "mark all read", .markAllRead, disabled: unreadCount > 0 ? nil : "nothing unread"),
            KeyBinding([.char("R")], "refresh", .refresh, footer: false),
        ]
    }

    public mutating func start(_ ctx: inout PaneContext) -> [PaneCommand] { load(&ctx) }

    mutating func load(_ ctx: inout PaneContext) -> [PaneCommand] {
        let id = ctx.newRequestID()
        request = id
        return [.request(id, .notifications)]
    }

    mutating func markRead(_ ids: [Int]?, _ ctx: inout PaneContext) -> [PaneCommand] {
        let now = ctx.now
        for i in notifications.indices where ids?.contains(notifications[i].id) ?? true {
            if notifications[i].readAt == nil { notifications[i].readAt = now }
        }
        let id = ctx.newRequestID()
        markRequest = id
        return [.request(id, .markNotificationsRead(MarkNotificationsReadRequest(ids: ids)))]
    }

    public mutating func perform(_ action: Action, _ ctx: inout PaneContext) -> [PaneCommand] {
        visibleRows = max(1, ctx.area.height - 2)
        switch action {
        case .up: table.selected -= 1
        case .down: table.selected += 1
        case .top: table.selected = 0
        case .bottom: table.selected = notifications.count - 1
        case .refresh: return load(&ctx)
        case .markRead:
            guard let item = selected, item.isUnread else { return [] }
            return markRead([item.id], &ctx)
        case .markAllRead:
            return markRead(nil, &ctx)
        case .open:
            guard let item = selected, let slug = item.listingSlug else { return [] }
            var commands = item.isUnread ? markRead([item.id], &ctx) : []
            let id = ctx.newRequestID()
            openRequest = id
            commands.append(.request(id, .listing(slug: slug)))
            return commands
        }
        table.clamp(count: notifications.count, visibleRows: visibleRows)
        return []
    }

    public mutating func receive(_ message: Message, _ ctx: inout PaneContext) -> [PaneCommand] {
        switch message {
        case let .response(id, result) where id == request:
            request = nil
            switch result {
            case let .success(.notifications(response)):
                notifications = response.notifications
                loaded = true
                failure = nil
            case let .failure(f): failure = f.message
            case .success: failure = "unexpected answer from the platform"
            }
            table.clamp(count: notifications.count, visibleRows: visibleRows)
        case let .response(id, result) where id == openRequest:
            openRequest = nil
            switch result {
            case let .success(.listing(listing)): return [.push(ListingDetailPane(summary: listing.summary, listing: listing))]
            case let .failure(f): return [.status(.error("Could not open the listing: \(f.message)"))]
            case .success: return []
            }
        case let .response(id, result) where id == markRequest:
            markRequest = nil
            if case let .failure(f) = result { return [.status(.error("Could not mark read: \(f.message)"))] }
        case let .subscription(_, .notifications(.notification(notification))):
            // Live: the newest goes on top, the selection stays on the row it was on.
            guard !notifications.contains(where: { $0.id == notification.id }) else { return [] }
            notifications.insert(notification, at: 0)
            if loaded, !notifications.isEmpty, table.selected > 0 || notifications.count > 1 { table.selected += 1 }
            if !loaded { table.selected = 0 }
            table.clamp(count: notifications.count, visibleRows: visibleRows)
        default: break
        }
        return []
    }

    public func render(into canvas: inout Canvas, area: Rect, _ ctx: RenderContext) {
        guard area.width > 4, area.height > 1 else { return }
        let inner = Rect(x: area.x + 1, y: area.y, width: area.width - 2, height: area.height)
        if !loaded {
            let text = failure.map { "Could not load notifications: \($0) (R retries)" } ?? SpinnerWidget.frame(ctx.frame) + " Loading notifications…"
            canvas.writeFitted(text, x: inner.x, y: inner.y + 1, width: inner.width, style: failure == nil ? .muted : .error)
            return
        }
        canvas.writeFitted("Notifications (\(unreadCount) unread)", x: inner.x, y: inner.y, width: inner.width, style: CellStyle(.accent, bold: true))
        if notifications.isEmpty {
            canvas.writeFitted("Nothing yet. Watch a listing (w) or save a search (+ in Browse): changes show here as they happen.",
                               x: inner.x, y: inner.y + 2, width: inner.width, style: .muted)
            return
        }
        let rows = notifications, now = ctx.now
        let columns = [
            TableColumn("", .fixed(1)),
            TableColumn("When", .fixed(7), dropPriority: 1),
            TableColumn("Notification", .flexible(min: 20)),
        ]
        TableWidget(columns: columns, rowCount: rows.count, state: table, row: { i in
            [rows[i].isUnread ? "●" : " ", DisplayFormat.since(rows[i].createdAt, now: now), rows[i].message]
        }, rowStyle: { i in rows[i].isUnread ? CellStyle(.text, bold: true) : .muted })
            .render(into: &canvas, area: Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - 1))
    }
}
