import Foundation
import TechFlunkyCore
import TechFlunkyText

/// The catalog: a table of listings with `/` search as you type, category and price filters, sorts, and pages
/// loaded ahead as you scroll. Only the rows on screen are laid out, so holding 100,000 listings costs the
/// same to draw as holding 100.
///
/// Only pages near the selection are held: scrolling far down drops pages from the top (and scrolling back up
/// drops them from the bottom), and a dropped page is fetched again, with the cursor it was first fetched with,
/// when the selection comes near it. Without this the UI's memory grew with every page scrolled past.
public struct BrowsePane: Pane {
    public enum Action: Sendable, Hashable {
        case up, down, pageUp, pageDown, top, bottom, open
        case search, applySearch, cancelSearch
        case cycleCategory, cyclePrice, cycleSort, reverseSort, clearFilters, reload
        case overlayUp, overlayDown, overlayChoose, overlayClose, overlayNextField
        case mark, compare
        case toggleWatch, saveSearch
    }

    /// A picker over the table: categories with their counts, or a price range typed in dollars.
    public enum Overlay: Sendable, Hashable {
        /// Row 0 is "all categories", then `categories` in order.
        case categories(selected: Int)
        case price(from: TextInput, to: TextInput, editingTo: Bool, problem: String?)
        /// `+`: the name to save the current search and filters under.
        case saveSearch(name: TextInput, problem: String?)
    }

    /// Where the current query's results stand.
    public enum LoadState: Sendable, Hashable {
        case idle
        case loading(RequestID, appending: Bool)
        case failed(String, appending: Bool)
    }

    public static let sorts: [ListingSort] = [.newest, .priceAsc, .priceDesc, .revenue, .profit, .multiple]
    public static let pageSize = 50
    /// Pages held at most (when the screen is small enough that this covers a few screens either way).
    public static let keptPages = 8
    /// How long typing must pause before a search is sent.
    public static let searchDebounce: Duration = .milliseconds(150)

    public let kind = PaneKind.browse
    public let title = "Browse"

    /// The rows held: results `firstRow ..< firstRow + items.count` of the current query (0-based).
    public private(set) var items: [ListingSummary] = []
    public private(set) var firstRow = 0
    public private(set) var total: Int?
    /// The server counted only so far ("10,000+"): `total` is at least this.
    public private(set) var totalIsLowerBound = false
    /// The cursor of the page after the last one held (nil: none).
    public private(set) var nextCursor: String?
    /// Every page of the current query fetched so far, in order, and which of them are held in `items`.
    var pages: [PageMark] = []
    var heldPages: Range<Int> = 0..<0
    /// The request fetching a dropped page before the first one held, if one is in flight.
    var previousPageRequest: RequestID?
    public private(set) var table = TableState()
    public private(set) var load = LoadState.idle
    public private(set) var search = TextInput(placeholder: "press / to search")
    public private(set) var searching = false
    /// The search text the current results are for.
    public private(set) var appliedQuery = ""
    public private(set) var categories: [CategoryCount] = []
    public private(set) var category: String?
    /// The price range, in minor units, inclusive; nil ends are open.
    public private(set) var minPrice: Int64?
    public private(set) var maxPrice: Int64?
    public private(set) var overlay: Overlay?
    public private(set) var sort: ListingSort = .newest
    /// `S`: the sort's order turned around (the platform's `reverse=true`).
    public private(set) var reversed = false
    var pendingSearch: TimerID?
    var categoriesRequest: RequestID?
    var ordersRequest: RequestID?
    /// Listings the signed-in buyer has bought (paid orders), marked in the table and the detail.
    public private(set) var ownedSlugs: Set<String> = []
    /// Listings marked with `m` for the compare view, in the order they were marked (at most four).
    public private(set) var marked: [ListingSummary] = []
    /// The account's watched listings (the app's set, mirrored so the title column can measure the ★).
    public private(set) var watchedSlugs: Set<String> = []
    var watchRequest: RequestID?
    var saveSearchRequest: RequestID?
    /// Rows of the table on screen, remembered from the last update for paging.
    var visibleRows = 20
    /// The widest title (with its owned mark) and category held, in cells: the natural widths of those columns,
    /// measured when rows arrive rather than on every frame.
    public private(set) var titleWidth = 0
    public private(set) var categoryWidth = 0

    public init() {}

    /// A pane already holding listings (benchmarks and tests).
    public init(preloaded: [ListingSummary], total: Int, nextCursor: String? = nil) {
        items = preloaded
        self.total = total
        self.nextCursor = nextCursor
        pages = [PageMark(cursor: nil, count: preloaded.count)]
        heldPages = 0..<1
        measureColumns()
    }

    /// Measures the natural widths of Title and Category over the rows held and every category name, so the columns
    /// hold still while scrolling within what is loaded.
    mutating func measureColumns() {
        var title = 0, category = 0
        for item in items {
            title = max(title, DisplayWidth.of(TextSanitizer.line(item.title)) + (ownedSlugs.contains(item.slug) ? 2 : 0)
                        + (marked.contains { $0.slug == item.slug } ? 2 : 0)
                        + (watchedSlugs.contains(item.slug) ? 2 : 0))
            category = max(category, DisplayWidth.of(TextSanitizer.line(item.category)))
        }
        for c in categories { category = max(category, DisplayWidth.of(TextSanitizer.line(c.name))) }
        titleWidth = title
        categoryWidth = category
    }

    /// One page of results: the cursor it was fetched with (nil: the first page) and how many rows it held, so a
    /// dropped page can be fetched again and the rows after it keep their positions.
    struct PageMark: Sendable, Hashable {
        var cursor: String?
        var count: Int
    }

    /// Rows of the query the table can show: everything up to the last row held.
    var rowCount: Int { firstRow + items.count }

    /// The listing at result row `row`, if held.
    func listing(at row: Int) -> ListingSummary? {
        row >= firstRow && row < rowCount ? items[row - firstRow] : nil
    }

    public var capturesText: Bool {
        if case .price? = overlay { return true }
        if case .saveSearch? = overlay { return true }
        return searching
    }
    public var isAnimating: Bool { if case .loading = load { true } else { false } }

    public var query: ListingQuery {
        return ListingQuery(q: appliedQuery.isEmpty ? nil : appliedQuery, category: category, minPrice: minPrice,
                            maxPrice: maxPrice, sort: appliedQuery.isEmpty ? sort : (sort == .newest ? .relevance : sort),
                            reverse: reversed, limit: BrowsePane.pageSize)
    }

    var hasFilters: Bool { !appliedQuery.isEmpty || category != nil || minPrice != nil || maxPrice != nil || sort != .newest || reversed }

    /// `any price`, `$50K–$250K`, `from $50K`, `up to $1K`.
    public var priceLabel: String {
        func dollars(_ minor: Int64) -> String { Money.usd(minor).formattedCompact }
        switch (minPrice, maxPrice) {
        case (nil, nil): return "any price"
        case let (lo?, nil): return "from \(dollars(lo))"
        case let (nil, hi?): return "up to \(dollars(hi))"
        case let (lo?, hi?): return "\(dollars(lo))–\(dollars(hi))"
        }
    }

    public func keyMap() -> [KeyBinding<Action>] {
        switch overlay {
        case .categories?:
            return [
                KeyBinding([.up, .char("k")], "up", .overlayUp, footer: false),
                KeyBinding([.down, .char("j")], "down", .overlayDown, footer: false),
                KeyBinding([.enter], "choose", .overlayChoose),
                KeyBinding([.escape, .char("q")], "cancel", .overlayClose),
            ]
        case .price?:
            return [
                KeyBinding([.enter], "apply", .overlayChoose),
                KeyBinding([.tab], "other field", .overlayNextField),
                KeyBinding([.escape], "cancel", .overlayClose),
            ]
        case .saveSearch?:
            return [
                KeyBinding([.enter], "save", .overlayChoose),
                KeyBinding([.escape], "cancel", .overlayClose),
            ]
        case nil: break
        }
        if searching {
            return [
                KeyBinding([.enter], "search", .applySearch),
                KeyBinding([.escape], "cancel", .cancelSearch),
                KeyBinding([.up], "up", .up, footer: false),
                KeyBinding([.down], "down", .down, footer: false),
            ]
        }
        let isLoaded = !items.isEmpty
        return [
            KeyBinding([.up, .char("k")], "up", .up, footer: false),
            KeyBinding([.down, .char("j")], "down", .down, footer: false),
            KeyBinding([.pageUp, .ctrl("b")], "page up", .pageUp, footer: false),
            KeyBinding([.pageDown, .ctrl("f"), .char(" ")], "page down", .pageDown, footer: false),
            KeyBinding([.home, .char("g")], "first", .top, footer: false),
            KeyBinding([.end, .char("G")], "last loaded", .bottom, footer: false),
            KeyBinding([.enter], "open", .open, disabled: isLoaded ? nil : "nothing to open yet"),
            KeyBinding([.char("/")], "search", .search),
            KeyBinding([.char("c")], "category", .cycleCategory,
                       disabled: categories.isEmpty ? "categories not loaded yet" : nil),
            KeyBinding([.char("p")], "price", .cyclePrice),
            KeyBinding([.char("s")], "sort", .cycleSort),
            // Not in the footer while the list failed to load: "r reload" and "? help" need the room there.
            KeyBinding([.char("S")], "reverse", .reverseSort, footer: !isFailed),
            KeyBinding([.char("x")], "clear filters", .clearFilters, footer: hasFilters,
                       disabled: hasFilters ? nil : "no filters set"),
            KeyBinding([.char("r")], "reload", .reload, footer: isFailed),
            KeyBinding([.char("m")], "mark to compare", .mark, footer: false, disabled: isLoaded ? nil : "nothing to mark yet"),
            KeyBinding([.char("C")], "compare marked", .compare, footer: marked.count >= 2,
                       disabled: marked.count >= 2 ? nil : "mark 2 to \(ListingComparison.maxListings) listings with m first"),
            // In `?` help, not the footer: at 80 columns it would push "q quit" out.
            KeyBinding([.char("w")], selectedIsWatched ? "unwatch" : "watch", .toggleWatch, footer: false,
                       disabled: !isLoaded ? "nothing selected" : (watchRequest == nil ? nil : "a moment…")),
            KeyBinding([.char("+")], "save search", .saveSearch, footer: hasFilters),
        ] + (appliedQuery.isEmpty ? [] : [
            // Esc backs out of an applied search (it never quits the app).
            KeyBinding([.escape], "clear search", .cancelSearch, footer: false),
        ])
    }

    var isFailed: Bool { if case .failed = load { true } else { false } }
    var selectedIsWatched: Bool { listing(at: table.selected).map { watchedSlugs.contains($0.slug) } ?? false }

    /// What `+` saves: the applied search and filters (the sort is not part of a saved search).
    var saveSearchRequestBody: SaveSearchRequest {
        SaveSearchRequest(name: "", q: appliedQuery.isEmpty ? nil : appliedQuery, category: category, minPrice: minPrice, maxPrice: maxPrice)
    }

    /// A name to suggest: the words searched, else the category, else "New listings".
    var suggestedSearchName: String {
        if !appliedQuery.isEmpty { return String(appliedQuery.prefix(40)) }
        if let category { return String(category.prefix(40)) }
        return "New listings"
    }

    public mutating func start(_ ctx: inout PaneContext) -> [PaneCommand] {
        visibleRows = BrowsePane.tableRows(ctx.area)
        let id = ctx.newRequestID()
        categoriesRequest = id
        let orders = ctx.newRequestID()
        ordersRequest = orders
        var commands: [PaneCommand] = [.request(id, .categories), .request(orders, .orders)]
        if items.isEmpty { commands += reload(&ctx) }
        return commands
    }

    public mutating func perform(_ action: Action, _ ctx: inout PaneContext) -> [PaneCommand] {
        visibleRows = BrowsePane.tableRows(ctx.area)
        switch action {
        case .up: return move(by: -1, &ctx)
        case .down: return move(by: 1, &ctx)
        case .pageUp: return move(by: -visibleRows, &ctx)
        case .pageDown: return move(by: visibleRows, &ctx)
        case .top:
            // Far down, fetching back page by page would take many round trips: start the results again instead.
            if firstRow > 0 { return reload(&ctx) }
            return move(by: -table.selected, &ctx)
        case .bottom: return move(by: rowCount - 1 - table.selected, &ctx)
        case .mark:
            guard let summary = listing(at: table.selected) else { return [] }
            if let index = marked.firstIndex(where: { $0.slug == summary.slug }) {
                marked.remove(at: index)
                measureColumns()
                return [.status(.info("Unmarked \(TextSanitizer.line(summary.title)) · \(marked.count) marked"))]
            }
            guard marked.count < ListingComparison.maxListings else {
                return [.status(.error("You can compare at most \(ListingComparison.maxListings) listings: unmark one with m first"))]
            }
            marked.append(summary)
            measureColumns()
            return [.status(.info("\(marked.count) marked" + (marked.count >= 2 ? " · C compares them" : " · mark another to compare")))]
        case .compare:
            return [.push(ComparePane(summaries: marked))]
        case .open:
            guard let summary = listing(at: table.selected) else { return [] }
            return [.push(ListingDetailPane(summary: summary, owned: ownedSlugs.contains(summary.slug)))]
        case .search:
            searching = true
            search.setText(appliedQuery)
            return []
        case .applySearch:
            searching = false
            pendingSearch = nil
            if search.text != appliedQuery {
                appliedQuery = search.text
                return reload(&ctx)
            }
            return []
        case .cancelSearch:
            searching = false
            pendingSearch = nil
            search.setText("")
            if !appliedQuery.isEmpty {
                appliedQuery = ""
                return reload(&ctx)
            }
            return []
        case .cycleCategory:
            let row = category.flatMap { c in categories.firstIndex { $0.name == c } }.map { $0 + 1 } ?? 0
            overlay = .categories(selected: row)
            return []
        case .cyclePrice:
            let from = TextInput(text: minPrice.map { BrowsePane.typed($0) } ?? "", placeholder: "any", maxLength: 16)
            let to = TextInput(text: maxPrice.map { BrowsePane.typed($0) } ?? "", placeholder: "any", maxLength: 16)
            overlay = .price(from: from, to: to, editingTo: false, problem: nil)
            return []
        case .overlayUp, .overlayDown:
            if case let .categories(selected) = overlay {
                let count = categories.count + 1
                overlay = .categories(selected: (selected + (action == .overlayUp ? count - 1 : 1)) % count)
            }
            return []
        case .overlayNextField:
            if case let .price(from, to, editingTo, _) = overlay { overlay = .price(from: from, to: to, editingTo: !editingTo, problem: nil) }
            return []
        case .overlayClose:
            overlay = nil
            return []
        case .toggleWatch:
            guard let summary = listing(at: table.selected) else { return [] }
            let id = ctx.newRequestID()
            watchRequest = id
            return [.request(id, watchedSlugs.contains(summary.slug) ? .unwatch(slug: summary.slug) : .watch(slug: summary.slug))]
        case .saveSearch:
            overlay = .saveSearch(name: TextInput(text: suggestedSearchName, placeholder: "a name", maxLength: 80), problem: nil)
            return []
        case .overlayChoose:
            switch overlay {
            case let .categories(selected)?:
                overlay = nil
                category = selected == 0 ? nil : categories[selected - 1].name
                return reload(&ctx)
            case let .price(from, to, editingTo, _)?:
                let lo = from.text.trimmingCharacters(in: .whitespaces), hi = to.text.trimmingCharacters(in: .whitespaces)
                let min = lo.isEmpty ? nil : Money.parseMajorUnits(lo), max = hi.isEmpty ? nil : Money.parseMajorUnits(hi)
                if (!lo.isEmpty && min == nil) || (!hi.isEmpty && max == nil) {
                    overlay = .price(from: from, to: to, editingTo: editingTo, problem: "Type dollars: 50000, 50k or 1.5m")
                    return []
                }
                if let min, let max, min > max {
                    overlay = .price(from: from, to: to, editingTo: editingTo, problem: "“from” is above “to”")
                    return []
                }
                overlay = nil
                minPrice = min
                maxPrice = max
                return reload(&ctx)
            case let .saveSearch(name, _)?:
                let text = name.text.trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty else {
                    overlay = .saveSearch(name: name, problem: "Type a name for this search")
                    return []
                }
                overlay = nil
                var body = saveSearchRequestBody
                body.name = text
                let id = ctx.newRequestID()
                saveSearchRequest = id
                return [.request(id, .saveSearch(body))]
            case nil:
                return []
            }
        case .cycleSort:
            let i = BrowsePane.sorts.firstIndex(of: sort) ?? 0
            sort = BrowsePane.sorts[(i + 1) % BrowsePane.sorts.count]
            // A new sort starts in its own direction (price ↑ then price ↓ would otherwise read backwards).
            reversed = false
            return reload(&ctx)
        case .reverseSort:
            reversed.toggle()
            return reload(&ctx)
        case .clearFilters:
            appliedQuery = ""
            search.setText("")
            category = nil
            minPrice = nil
            maxPrice = nil
            sort = .newest
            reversed = false
            return reload(&ctx)
        case .reload:
            if case let .failed(_, appending) = load, appending {
                load = .idle
                let commands = loadAheadIfNeeded(&ctx)
                return commands.isEmpty ? loadMore(&ctx) : commands
            }
            return reload(&ctx)
        }
    }

    /// Typing in the search field: edit, then search once typing pauses (debounce); stale timers are ignored.
    public mutating func handleText(_ key: Key, _ ctx: inout PaneContext) -> [PaneCommand]? {
        if case var .saveSearch(name, _) = overlay {
            _ = name.handle(key)
            overlay = .saveSearch(name: name, problem: nil)
            return []
        }
        if case var .price(from, to, editingTo, _) = overlay {
            if editingTo { _ = to.handle(key) } else { _ = from.handle(key) }
            overlay = .price(from: from, to: to, editingTo: editingTo, problem: nil)
            return []
        }
        guard searching else { return nil }
        let before = search.text
        guard search.handle(key) else { return [] }
        guard search.text != before else { return [] }
        let timer = ctx.newTimerID()
        pendingSearch = timer
        return [.timer(timer, after: BrowsePane.searchDebounce)]
    }

    public mutating func receive(_ message: Message, _ ctx: inout PaneContext) -> [PaneCommand] {
        visibleRows = BrowsePane.tableRows(ctx.area)
        if ctx.watchedSlugs != watchedSlugs {
            watchedSlugs = ctx.watchedSlugs
            measureColumns()
        }
        switch message {
        case let .response(id, result) where id == watchRequest:
            watchRequest = nil
            switch result {
            case let .success(.watched(item)):
                return [.status(.info("Watching \(TextSanitizer.line(item.listing.title)): its price drops and status changes come to N"))]
            case .success(.unwatched): return [.status(.info("No longer watching it"))]
            case let .failure(f): return [.status(.error("Could not change the watchlist: \(f.message)"))]
            case .success: return []
            }
        case let .response(id, result) where id == saveSearchRequest:
            saveSearchRequest = nil
            switch result {
            case let .success(.savedSearch(saved)):
                return [.status(.info("Saved “\(TextSanitizer.line(saved.name))”: new listings that match come to your notifications (N)"))]
            case let .failure(f): return [.status(.error("Could not save the search: \(f.message)"))]
            case .success: return []
            }
        case let .timerFired(id) where id == pendingSearch:
            pendingSearch = nil
            guard search.text != appliedQuery else { return [] }
            appliedQuery = search.text
            return reload(&ctx)
        case let .response(id, result) where id == ordersRequest:
            ordersRequest = nil
            if case let .success(.orders(orders)) = result {
                ownedSlugs = Set(orders.filter { $0.state.isPaid }.map(\.listingSlug))
                measureColumns()
            }
            return []
        case let .response(id, result) where id == categoriesRequest:
            categoriesRequest = nil
            if case let .success(.categories(response)) = result {
                categories = response
                measureColumns()
            }
            return []
        case let .response(id, result):
            guard case let .loading(current, appending) = load, current == id else { return [] }  // stale: a newer query won
            switch result {
            case let .success(.listings(page)):
                if id == previousPageRequest {
                    previousPageRequest = nil
                    receivePreviousPage(page)
                } else if appending {
                    receiveNextPage(page)
                } else {
                    items = page.items
                    table = TableState()
                    firstRow = 0
                    pages = [PageMark(cursor: nil, count: page.items.count)]
                    heldPages = 0..<1
                    nextCursor = page.nextCursor
                }
                total = page.total
                totalIsLowerBound = page.totalIsLowerBound
                measureColumns()
                load = .idle
                table.clamp(count: rowCount, visibleRows: visibleRows)
                return loadAheadIfNeeded(&ctx)
            case let .failure(failure):
                if id == previousPageRequest { previousPageRequest = nil }
                load = .failed(failure.message, appending: appending)
                return []
            case .success:
                if id == previousPageRequest { previousPageRequest = nil }
                load = .failed("unexpected answer from the platform", appending: appending)
                return []
            }
        case let .mouse(event):
            let tableTop = ctx.area.y + 2  // filter row, then the table's header row
            switch event {
            case let .click(_, y):
                let row = table.offset + (y - tableTop)
                guard y >= tableTop, listing(at: row) != nil else { return [] }
                if row == table.selected { return perform(.open, &ctx) }
                return move(by: row - table.selected, &ctx)
            case .wheelUp: return move(by: -3, &ctx)
            case .wheelDown: return move(by: 3, &ctx)
            }
        default:
            return []
        }
    }

    // MARK: Loading

    /// Starts the current query from its first page; any answer to an older query is now stale.
    mutating func reload(_ ctx: inout PaneContext) -> [PaneCommand] {
        let id = ctx.newRequestID()
        load = .loading(id, appending: false)
        nextCursor = nil
        previousPageRequest = nil
        return [.request(id, .listings(query))]
    }

    mutating func loadMore(_ ctx: inout PaneContext) -> [PaneCommand] {
        guard let cursor = nextCursor else { return [] }
        let id = ctx.newRequestID()
        load = .loading(id, appending: true)
        var q = query
        q.cursor = cursor
        return [.request(id, .listings(q))]
    }

    /// Fetches again the dropped page just before the first one held.
    mutating func loadPrevious(_ ctx: inout PaneContext) -> [PaneCommand] {
        guard heldPages.lowerBound > 0 else { return [] }
        let id = ctx.newRequestID()
        load = .loading(id, appending: true)
        previousPageRequest = id
        var q = query
        q.cursor = pages[heldPages.lowerBound - 1].cursor
        return [.request(id, .listings(q))]
    }

    /// Asks for the next page while two screens of rows are still ahead, so scrolling rarely waits; likewise for a
    /// dropped page above, two screens before the selection reaches it.
    mutating func loadAheadIfNeeded(_ ctx: inout PaneContext) -> [PaneCommand] {
        guard load == .idle else { return [] }
        if nextCursor != nil, table.selected + 2 * visibleRows >= rowCount { return loadMore(&ctx) }
        if heldPages.lowerBound > 0, table.selected - 2 * visibleRows < firstRow { return loadPrevious(&ctx) }
        return []
    }

    /// A page after the last one held arrived: hold it, then let go of pages far above the selection.
    mutating func receiveNextPage(_ page: ListingPage) {
        let index = heldPages.upperBound
        let mark = PageMark(cursor: nextCursor, count: page.items.count)
        if index < pages.count { pages[index] = mark } else { pages.append(mark) }
        items += page.items
        heldPages = heldPages.lowerBound..<(index + 1)
        nextCursor = page.nextCursor
        // Drop from the top while a page lies wholly more than three screens above the selection (loading back
        // starts at two, so a dropped page is not wanted again at once).
        while heldPages.count > BrowsePane.keptPages {
            let first = pages[heldPages.lowerBound].count
            guard firstRow + first + 3 * visibleRows <= table.selected else { break }
            items.removeFirst(first)
            firstRow += first
            heldPages = (heldPages.lowerBound + 1)..<heldPages.upperBound
        }
    }

    /// The dropped page before the first one held arrived again: hold it, then let go of pages far below.
    mutating func receivePreviousPage(_ page: ListingPage) {
        let index = heldPages.lowerBound - 1
        pages[index].count = page.items.count
        items.insert(contentsOf: page.items, at: 0)
        heldPages = index..<heldPages.upperBound
        // From the counts of the pages before it, not by subtraction: if the results changed meanwhile and the page
        // came back shorter or longer, rows still start where their pages say.
        firstRow = pages[..<index].reduce(0) { $0 + $1.count }
        while heldPages.count > BrowsePane.keptPages {
            let lastIndex = heldPages.upperBound - 1
            let last = pages[lastIndex].count
            guard rowCount - last >= table.selected + 3 * visibleRows + 1 else { break }
            items.removeLast(last)
            nextCursor = pages[lastIndex].cursor
            heldPages = heldPages.lowerBound..<lastIndex
        }
    }

    mutating func move(by delta: Int, _ ctx: inout PaneContext) -> [PaneCommand] {
        guard !items.isEmpty else { return [] }
        table.selected += delta
        table.clamp(count: rowCount, visibleRows: visibleRows)
        return loadAheadIfNeeded(&ctx)
    }

    static func tableRows(_ area: Rect) -> Int { max(1, area.height - 3) }

    // MARK: Rendering

    /// The columns, dropped in this order when the terminal is narrow (as htop and k9s do): Rev 12 mo, Age, Multiple, Profit/mo,
    /// Rev/mo, Listed, then Category; Title and Price always stay. Category is made whole before Title grows (its
    /// minimum is its widest name, up to 18 cells, so a narrow terminal drops a number column before it cuts a
    /// category); Title then takes what is left, up to its widest title.
    public static func columns(titleWidth: Int = 0, categoryWidth: Int = 0) -> [TableColumn] {
        let category = max(8, categoryWidth)
        return [
            // Before any row is held (loading), the title column keeps its usual minimum rather than the header's width.
            TableColumn("Title", .flexible(min: 28, natural: titleWidth == 0 ? 28 : titleWidth), growOrder: 1),
            TableColumn("Category", .flexible(min: min(18, category), natural: category), dropPriority: 1),
            TableColumn("Price", .fixed(11), alignRight: true),
            TableColumn("Rev/mo", .fixed(8), alignRight: true, dropPriority: 3),
            TableColumn("Profit/mo", .fixed(9), alignRight: true, dropPriority: 4),
            TableColumn("Age", .fixed(7), alignRight: true, dropPriority: 6),
            TableColumn("Multiple", .fixed(8), alignRight: true, dropPriority: 5),
            // When the listing went up: the default sort is newest, so the order of the rows should show.
            TableColumn("Listed", .fixed(6), alignRight: true, dropPriority: 2),
            // Twelve months of revenue as a sparkline: the first column to go on a narrower terminal.
            TableColumn("Rev 12 mo", .fixed(12), dropPriority: 7),
        ]
    }

    var columns: [TableColumn] { BrowsePane.columns(titleWidth: titleWidth, categoryWidth: categoryWidth) }

    /// The mark of a listing chosen for the compare view, before its title.
    static let compareMark = "◆ "

    static func cells(_ l: ListingSummary, now: Date = Date(), owned: Bool = false, marked: Bool = false, watched: Bool = false) -> [String] {
        [(marked ? compareMark : "") + (owned ? "✓ " : "") + (watched ? "★ " : "") + l.title, l.category, l.askingPrice.formattedWhole, l.monthlyRevenue.formattedCompact,
         l.monthlyProfit.formattedCompact, DisplayFormat.shortAge(months: l.ageMonths), DisplayFormat.multiple(l.multiple),
         DisplayFormat.since(l.createdAt, now: now),
         l.revenueSparkline.map { Sparkline.text($0, width: ListingHistory.sparklineMonths) } ?? ""]
    }

    public func render(into canvas: inout Canvas, area: Rect, _ ctx: RenderContext) {
        guard area.height >= 4 else { return }
        renderFilterRow(into: &canvas, area: area, ctx)
        let tableArea = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 2)
        let bottom = area.maxY - 1
        if items.isEmpty {
            TableWidget(columns: columns, rowCount: 0, state: table, row: { _ in [] })
                .render(into: &canvas, area: tableArea)
            let y = tableArea.y + 2
            switch load {
            case .loading:
                SpinnerWidget(tick: ctx.frame).render(into: &canvas, area: Rect(x: area.x + 2, y: y, width: 1, height: 1))
                canvas.write("Loading listings…", x: area.x + 4, y: y, style: .muted)
            case let .failed(message, _):
                canvas.writeFitted("Could not load listings: \(message)", x: area.x + 2, y: y, width: area.width - 4, style: .error)
                canvas.write("Press r to retry.", x: area.x + 2, y: y + 1, style: .muted)
            case .idle:
                canvas.write(hasFilters ? "No listings match. Press x to clear the filters." : "No listings yet.",
                             x: area.x + 2, y: y, maxWidth: area.width - 4, style: .muted)
            }
        } else {
            let rows = items, first = firstRow, owned = ownedSlugs, markedSlugs = Set(marked.map(\.slug)), watched = watchedSlugs
            // Rows above the first held page show as loading until their page is fetched again.
            let widget = TableWidget(columns: columns, rowCount: rowCount, state: table,
                                     row: { $0 >= first ? BrowsePane.cells(rows[$0 - first], now: ctx.now, owned: owned.contains(rows[$0 - first].slug),
                                                                                 marked: markedSlugs.contains(rows[$0 - first].slug),
                                                                                 watched: watched.contains(rows[$0 - first].slug)) : ["…"] },
                                     rowStyle: { $0 >= first ? .text : .muted })
            widget.render(into: &canvas, area: tableArea)
        }
        renderPositionRow(into: &canvas, area: Rect(x: area.x, y: bottom, width: area.width, height: 1),
                          rowsOnScreen: BrowsePane.tableRows(area), ctx)
        renderOverlay(into: &canvas, area: area)
    }

    /// An amount in minor units as a person would type it back: `50000`, `99.99`.
    static func typed(_ minor: Int64) -> String {
        minor % 100 == 0 ? String(minor / 100) : String(format: "%lld.%02lld", minor / 100, minor % 100)
    }

    func renderOverlay(into canvas: inout Canvas, area: Rect) {
        switch overlay {
        case nil: return
        case let .categories(selected)?:
            let total = categories.reduce(0) { $0 + $1.count }
            let rows = [("All categories", total)] + categories.map { (TextSanitizer.line($0.name), $0.count) }
            let nameWidth = rows.map { DisplayWidth.of($0.0) }.max() ?? 10
            let lines = rows.enumerated().map { i, row in
                let text = " " + row.0 + String(repeating: " ", count: max(0, nameWidth - DisplayWidth.of(row.0))) + "  "
                    + String(repeating: " ", count: max(0, 5 - String(row.1).count)) + String(row.1) + " "
                return StyledLine(text, i == selected ? CellStyle(.selection, bold: true) : .text)
            }
            let visible = max(1, area.height - 4)
            let offset = min(max(0, selected - visible + 1), max(0, lines.count - visible))
            ModalWidget(title: "Category", lines: lines, scroll: ScrollState(offset: offset)).render(into: &canvas, area: area)
        case let .price(from, to, editingTo, problem)?:
            let box = area.centred(width: min(area.width - 2, 46), height: problem == nil ? 6 : 7)
            guard box.width >= 24, box.height >= 5 else { return }
            canvas.fill(box, style: .text)
            canvas.box(box, title: "Price range (dollars)", style: .border)
            let inner = box.inset(1).insetHorizontally(1)
            canvas.writeFitted("From", x: inner.x, y: inner.y + 1, width: 6, style: editingTo ? .text : CellStyle(.accent, bold: true))
            TextFieldWidget(from, focused: !editingTo, style: CellStyle(.text, underline: true))
                .render(into: &canvas, area: Rect(x: inner.x + 6, y: inner.y + 1, width: max(4, inner.width / 2 - 7), height: 1))
            let toX = inner.x + inner.width / 2
            canvas.writeFitted("to", x: toX, y: inner.y + 1, width: 4, style: editingTo ? CellStyle(.accent, bold: true) : .text)
            TextFieldWidget(to, focused: editingTo, style: CellStyle(.text, underline: true))
                .render(into: &canvas, area: Rect(x: toX + 4, y: inner.y + 1, width: max(4, inner.maxX - toX - 4), height: 1))
            canvas.writeFitted("50000, 50k, 1.5m · empty: no limit", x: inner.x, y: inner.y + 2, width: inner.width, style: .muted)
            if let problem { canvas.writeFitted(problem, x: inner.x, y: inner.y + 3, width: inner.width, style: .error) }
        case let .saveSearch(name, problem)?:
            let box = area.centred(width: min(area.width - 2, 56), height: problem == nil ? 6 : 7)
            guard box.width >= 24, box.height >= 5 else { return }
            canvas.fill(box, style: .text)
            canvas.box(box, title: "Save this search", style: .border)
            let inner = box.inset(1).insetHorizontally(1)
            canvas.writeFitted("Name", x: inner.x, y: inner.y + 1, width: 6, style: CellStyle(.accent, bold: true))
            TextFieldWidget(name, focused: true, style: CellStyle(.text, underline: true))
                .render(into: &canvas, area: Rect(x: inner.x + 6, y: inner.y + 1, width: max(4, inner.width - 6), height: 1))
            canvas.writeFitted("New listings that match come to your notifications", x: inner.x, y: inner.y + 2, width: inner.width, style: .muted)
            if let problem { canvas.writeFitted(problem, x: inner.x, y: inner.y + 3, width: inner.width, style: .error) }
        }
    }

    func renderFilterRow(into canvas: inout Canvas, area: Rect, _ ctx: RenderContext) {
        var x = area.x + 1
        let y = area.y
        x += canvas.write("/ ", x: x, y: y, style: searching ? CellStyle(.accent, bold: true) : .muted)
        let fieldWidth = min(32, max(10, area.width / 3))
        if searching {
            TextFieldWidget(search, focused: true).render(into: &canvas, area: Rect(x: x, y: y, width: fieldWidth, height: 1))
        } else if appliedQuery.isEmpty {
            canvas.write(search.placeholder, x: x, y: y, maxWidth: fieldWidth, style: .muted)
        } else {
            canvas.writeFitted(appliedQuery, x: x, y: y, width: fieldWidth, style: CellStyle(.accent, bold: true))
        }
        x += fieldWidth + 2
        let filters = [
            ("category", category ?? "all"),
            ("price", priceLabel),
            ("sort", (query.sort ?? .newest).label(reversed: reversed)),
        ]
        for (name, value) in filters {
            guard x < area.maxX - 2 else { break }
            x += canvas.write(name + ": ", x: x, y: y, maxWidth: area.maxX - x, style: .muted)
            x += canvas.write(value, x: x, y: y, maxWidth: area.maxX - x, style: value == "all" || value == "any price" ? .text : .accent)
            x += 2
        }
    }

    /// "51–100 of 12,345", plus what is loading.
    func renderPositionRow(into canvas: inout Canvas, area: Rect, rowsOnScreen: Int, _ ctx: RenderContext) {
        var text: String
        if items.isEmpty {
            text = total.map { "0 of \(DisplayFormat.grouped($0))\(totalIsLowerBound ? "+" : "")" } ?? ""
        } else {
            let first = table.offset + 1
            let last = min(rowCount, table.offset + rowsOnScreen)
            // Past a lower-bound count the rows already seen are the better "at least".
            let of = totalIsLowerBound ? "\(DisplayFormat.grouped(max(total ?? 0, rowCount)))+" : DisplayFormat.grouped(total ?? rowCount)
            text = "\(DisplayFormat.grouped(first))–\(DisplayFormat.grouped(last)) of \(of)"
        }
        if !marked.isEmpty {
            text += "  ◆ \(marked.count) marked" + (marked.count >= 2 ? " (C compare)" : "")
        }
        switch load {
        case .loading(_, appending: true): text += "  " + SpinnerWidget.frame(ctx.frame) + " loading more…"
        case let .failed(message, appending: true): text += "  could not load more: \(message) (r retries)"
        default: break
        }
        canvas.writeFitted(text, x: area.x + 1, y: area.y, width: area.width - 2, style: .muted, alignRight: false)
    }
}
