import Foundation
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyText

/// What the account keeps an eye on: watched listings (with where each stands: for sale, reserved until when,
/// sold) and saved searches. Enter opens a listing; `d` stops watching it or deletes the search.
public struct WatchlistPane: Pane {
    public enum Action: Sendable, Hashable { case up, down, top, bottom, open, remove, refresh }

    public let kind = PaneKind.watchlist
    public let title = "Watchlist"
    public private(set) var items: [WatchedListing] = []
    public private(set) var searches: [SavedSearch] = []
    public private(set) var failure: String?
    public private(set) var table = TableState()
    var watchlistRequest: RequestID?
    var searchesRequest: RequestID?
    var removeRequest: RequestID?
    var loadedParts = 0
    var visibleRows = 10

    public init() {}

    public var isAnimating: Bool { loadedParts < 2 && failure == nil }
    var rowCount: Int { items.count + searches.count }

    enum Row { case listing(WatchedListing), search(SavedSearch) }
    func row(_ i: Int) -> Row? {
        if items.indices.contains(i) { return .listing(items[i]) }
        let j = i - items.count
        return searches.indices.contains(j) ? .search(searches[j]) : nil
    }

    public func keyMap() -> [KeyBinding<Action>] {
        let selected = row(table.selected)
        let removeLabel = if case .search = selected { "delete search" } else { "unwatch" }
        let openDisabled: String? = switch selected {
        case .listing?: nil
        case .search?: "saved searches notify you of new listings; run one with / in Browse"
        case nil: "nothing selected"
        }
        return [
            KeyBinding([.up, .char("k")], "up", .up, footer: false),
            KeyBinding([.down, .char("j")], "down", .down, footer: false),
            KeyBinding([.home, .char("g")], "first", .top, footer: false),
            KeyBinding([.end, .char("G")], "last", .bottom, footer: false),
            KeyBinding([.enter], "open", .open, disabled: openDisabled),
            KeyBinding([.char("d"), .delete], removeLabel, .remove, disabled: selected == nil ? "nothing selected" : nil),
            KeyBinding([.char("r")], "refresh", .refresh),
        ]
    }

    public mutating func start(_ ctx: inout PaneContext) -> [PaneCommand] { load(&ctx) }

    mutating func load(_ ctx: inout PaneContext) -> [PaneCommand] {
        let a = ctx.newRequestID(), b = ctx.newRequestID()
        watchlistRequest = a
        searchesRequest = b
        loadedParts = 0
        return [.request(a, .watchlist), .request(b, .savedSearches)]
    }

    public mutating func perform(_ action: Action, _ ctx: inout PaneContext) -> [PaneCommand] {
        visibleRows = max(1, ctx.area.height - 2)
        switch action {
        case .up: table.selected -= 1
        case .down: table.selected += 1
        case .top: table.selected = 0
        case .bottom: table.selected = rowCount - 1
        case .refresh: return load(&ctx)
        case .open:
            guard case let .listing(item)? = row(table.selected) else { return [] }
            return [.push(ListingDetailPane(summary: item.listing))]
        case .remove:
            let id = ctx.newRequestID()
            removeRequest = id
            switch row(table.selected) {
            case let .listing(item)?: return [.request(id, .unwatch(slug: item.listing.slug))]
            case let .search(search)?: return [.request(id, .deleteSavedSearch(id: search.id))]
            case nil: return []
            }
        }
        table.clamp(count: rowCount, visibleRows: visibleRows)
        return []
    }

    public mutating func receive(_ message: Message, _ ctx: inout PaneContext) -> [PaneCommand] {
        switch message {
        case let .response(id, result) where id == watchlistRequest:
            watchlistRequest = nil
            loadedParts += 1
            switch result {
            case let .success(.watchlist(list)): items = list
            case let .failure(f): failure = f.message
            default: break
            }
        case let .response(id, result) where id == searchesRequest:
            searchesRequest = nil
            loadedParts += 1
            switch result {
            case let .success(.savedSearches(list)): searches = list
            case let .failure(f): failure = f.message
            default: break
            }
        case let .response(_, .success(.unwatched(slug))):
            // From this pane or Browse/Detail (`w`): the list follows.
            items.removeAll { $0.listing.slug == slug }
        case let .response(_, .success(.watched(item))):
            if !items.contains(where: { $0.listing.slug == item.listing.slug }) { items.insert(item, at: 0) }
        case let .response(_, .success(.savedSearchDeleted(id))):
            searches.removeAll { $0.id == id }
        case let .response(_, .success(.savedSearch(search))):
            searches.removeAll { $0.id == search.id }
            searches.append(search)
            searches.sort { $0.name.localizedCaseInsensitiveCompare($1.name) == .orderedAscending }
        case let .response(id, .failure(f)) where id == removeRequest:
            removeRequest = nil
            return [.status(.error("Could not remove it: \(f.message)"))]
        default: return []
        }
        table.clamp(count: rowCount, visibleRows: visibleRows)
        return []
    }

    static func stateLabel(_ item: WatchedListing, now: Date) -> String {
        switch item.saleState {
        case .forSale: "for sale"
        case .sold: "sold"
        case .withdrawn: "withdrawn"
        case .reserved: item.reservedUntil.map { "reserved, \(WatchlistPane.left($0.timeIntervalSince(now))) left" } ?? "reserved"
        }
    }

    /// "23h 5m", "12m": how long a reservation has to run.
    static func left(_ seconds: TimeInterval) -> String {
        let minutes = max(0, Int(seconds / 60))
        return minutes >= 60 ? "\(minutes / 60)h \(minutes % 60)m" : "\(minutes)m"
    }

    static func filters(_ s: SavedSearch) -> String {
        var parts: [String] = []
        if let q = s.q { parts.append("“\(q)”") }
        if let c = s.category { parts.append(c) }
        switch (s.minPrice, s.maxPrice) {
        case (nil, nil): break
        case let (lo?, nil): parts.append("from \(Money.usd(lo).formattedCompact)")
        case let (nil, hi?): parts.append("up to \(Money.usd(hi).formattedCompact)")
        case let (lo?, hi?): parts.append("\(Money.usd(lo).formattedCompact)–\(Money.usd(hi).formattedCompact)")
        }
        return parts.isEmpty ? "every new listing" : parts.joined(separator: " · ")
    }

    public func render(into canvas: inout Canvas, area: Rect, _ ctx: RenderContext) {
        guard area.width > 4, area.height > 1 else { return }
        let inner = Rect(x: area.x + 1, y: area.y, width: area.width - 2, height: area.height)
        if loadedParts < 2, failure == nil {
            canvas.writeFitted(SpinnerWidget.frame(ctx.frame) + " Loading your watchlist…", x: inner.x, y: inner.y + 1, width: inner.width, style: .muted)
            return
        }
        canvas.writeFitted("Watching \(items.count) · \(searches.count) saved search\(searches.count == 1 ? "" : "es")", x: inner.x, y: inner.y,
                           width: inner.width, style: CellStyle(.accent, bold: true))
        if let failure {
            canvas.writeFitted("Could not load all of it: \(failure) (r retries)", x: inner.x, y: area.maxY - 1, width: inner.width, style: .warning)
        }
        if rowCount == 0 {
            canvas.writeFitted("Nothing yet: w on a listing watches it, + in Browse saves the search you typed.", x: inner.x, y: inner.y + 2,
                               width: inner.width, style: .muted)
            return
        }
        let watched = items, saved = searches, now = ctx.now
        let columns = [
            TableColumn("", .fixed(1)),
            TableColumn("Listing or search", .flexible(min: 16)),
            TableColumn("Now", .flexible(min: 10, natural: 24), growOrder: 1),
            TableColumn("Price", .fixed(12), alignRight: true, dropPriority: 1),
        ]
        TableWidget(columns: columns, rowCount: rowCount, state: table, row: { i in
            if i < watched.count {
                let item = watched[i]
                return ["★", item.listing.title, WatchlistPane.stateLabel(item, now: now), item.listing.askingPrice.formattedWhole]
            }
            let s = saved[i - watched.count]
            return ["⌕", s.name, WatchlistPane.filters(s), ""]
        }, rowStyle: { i in
            i < watched.count && watched[i].saleState != .forSale ? .muted : .text
        }).render(into: &canvas, area: Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - (failure == nil ? 1 : 2)))
    }
}
