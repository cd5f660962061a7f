import Foundation
import GRDB
import TechFlunkyCore

/// `CatalogStore` on SQLite: listings in a table with one index per sort (each ending in the row sequence,
/// so keyset pages are index range scans), and an external-content FTS5 index kept in step by triggers.
public struct SQLiteCatalogStore: CatalogStore {
    let database: PlatformDatabase
    let countCache = ListingCountCache()
    /// Stored in `multiple` when there is no profit, so such listings sort last without NULL handling.
    static let noMultiple = 1e15

    let relevanceWindow: Int
    let matchCountLimit: Int
    /// Counts for price filters, from the catalog's sorted prices in memory (`ListingPriceIndex`).
    let priceIndex: ListingPriceIndex
    /// Sort keys by listing, in memory, for sorted full-text searches (`ListingSortKeyIndex`, `collectedPage`).
    let sortKeys: ListingSortKeyIndex
    let collectLimit: Int?

    /// `priceIndexAfter`: how many price-filtered counts under one catalog generation before its prices are held in memory.
    /// `sortKeyIndexAfter`: how many sorted full-text searches by one column under one generation before that column's
    /// keys are held in memory (`Int.max`: never, the plain SQL plans only). `collectLimit`: the most matches (estimated)
    /// a sorted search collects through the held keys, broader searches walk the sort's index (`collectedPage`); nil:
    /// by cost (`collectLimit(catalogSize:limit:)`). `sortKeysInBackground`: keys are read in a transaction of their own
    /// while the asking search keeps to SQL (false: the asking search reads them, for tests that want them at once).
    public init(database: PlatformDatabase, relevanceWindow: Int = SQLiteCatalogStore.defaultRelevanceWindow,
                matchCountLimit: Int = SQLiteCatalogStore.defaultMatchCountLimit, priceIndexAfter: Int = 32,
                sortKeyIndexAfter: Int = 8, collectLimit: Int? = nil, sortKeysInBackground: Bool = true) {
        self.database = database
        self.relevanceWindow = max(1, relevanceWindow)
        self.matchCountLimit = max(1, matchCountLimit)
        self.priceIndex = ListingPriceIndex(buildAfter: priceIndexAfter)
        self.sortKeys = ListingSortKeyIndex(buildAfter: sortKeyIndexAfter, database: sortKeysInBackground ? database : nil)
        self.collectLimit = collectLimit.map { max(0, $0) }
    }

    struct SortPlan {
        var key: String
        var ascending: Bool
        var integerKey: Bool
    }

    static func plan(for sort: ListingSort) -> SortPlan {
        switch sort {
        case .newest: SortPlan(key: "l.created_at", ascending: false, integerKey: true)
        case .priceAsc: SortPlan(key: "l.price", ascending: true, integerKey: true)
        case .priceDesc: SortPlan(key: "l.price", ascending: false, integerKey: true)
        case .revenue: SortPlan(key: "l.revenue", ascending: false, integerKey: true)
        case .profit: SortPlan(key: "l.profit", ascending: false, integerKey: true)
        case .multiple: SortPlan(key: "l.multiple", ascending: true, integerKey: false)
        // Relevance pages are built by `relevancePage` (lower scores first); this plan never reaches SQL.
        case .relevance: SortPlan(key: "score", ascending: true, integerKey: false)
        }
    }

    static let summaryColumns = """
        l.seq, l.id, l.slug, l.title, l.tagline, l.category, l.currency, l.price, l.revenue, l.profit, l.age_months,
        l.tech_stack, l.visitors, l.created_at, l.seller_id, a.display_name AS seller_name, l.revenue_sparkline
        """

    /// Relevance ranks (BM25, `ListingRankFunction`) at most this many of the newest matches (500); further matches
    /// follow newest first. Scoring reads each match's position lists, so a bound keeps a broad query over a
    /// million listings as fast as a narrow one. Queries with fewer matches are ranked in full.
    public static let defaultRelevanceWindow = 500

    /// Full-text matches and filtered listings are counted up to this many; past it `total` says "at least"
    /// (`totalIsLowerBound`). Counting walks every match, and a word in every listing of a million is a million
    /// steps (40 ms), a price floor over 100,000 listings 5 ms, for a figure a person reads as "lots". The
    /// whole catalog (plain browsing) is counted exactly, once per catalog change.
    public static let defaultMatchCountLimit = 10_000

    /// The share of the catalog above which a sorted search walks the sort's index and checks each listing against
    /// the match, rather than collecting every match and sorting. Checking costs about 7 µs a listing and takes
    /// about page/share checks; collecting costs about 0.15 µs a match, share × catalog of them (measured over
    /// a million listings). They cost the same where share² = 2,400 / catalog: 5 % of a million, 15 % of 100,000.
    static func probeShare(catalogSize: Int64) -> Double {
        min(1, (2_400 / Double(max(catalogSize, 1))).squareRoot())
    }

    /// How many of the newest listings a term's share of the catalog is measured over, for ranking.
    static let termShareSample: Int64 = 20_000

    /// How many matches (estimated) a sorted search may collect through the held sort keys (`collectedPage`) before
    /// walking the sort's index costs less. Collecting costs about 0.07 µs a match (share × catalog of them); walking
    /// checks about (page + 1) / share listings against the MATCH at about 6.5 µs each (measured over 100,000 and
    /// a million listings). They cost the same at matches² = (page + 1) × 93 × catalog: 69,000 of a million
    /// for a page of 50 (5 ms either way), 22,000 of 100,000.
    static func collectLimit(catalogSize: Int64, limit: Int) -> Int {
        Int((Double(limit + 1) * 93 * Double(max(catalogSize, 1))).squareRoot())
    }

    /// Above this many matches a filtered page walks the sort's index instead of the filter's (see `search`).
    static let sortIndexThreshold = 2000

    public func search(_ query: ListingQuery) async throws -> ListingPage {
        let terms = FullTextQuery.terms(query.q)
        let match = terms.isEmpty ? nil : terms.joined(separator: " ")
        var sort = query.sort ?? (match != nil ? .relevance : .newest)
        if sort == .relevance && match == nil { sort = .newest }
        let limit = query.limit ?? ListingQuery.defaultLimit
        guard (1...ListingQuery.maxLimit).contains(limit) else {
            throw PlatformError.badRequest("limit must be between 1 and \(ListingQuery.maxLimit)", field: "limit")
        }
        let fingerprint = ListingCursor.fingerprint(of: query, sort: sort)
        var after: ListingCursor?
        if let text = query.cursor, !text.isEmpty {
            guard let cursor = ListingCursor.decode(text) else { throw PlatformError.badRequest("the cursor is not one this server made", field: "cursor") }
            guard cursor.f == fingerprint, cursor.s == sort.rawValue, (cursor.r ?? false) == query.reverse else {
                throw PlatformError.badRequest("the cursor belongs to another search; start again without it", field: "cursor")
            }
            after = cursor
        }

        // Each filter twice: as it is, and with its column hidden from the planner (`+column`), leaving it only the
        // sort's index. The price stays visible when the sort is by price: that index serves both the range and the order.
        let sortsByPrice = sort == .priceAsc || sort == .priceDesc
        let price = sortsByPrice ? "l.price" : "+l.price"
        var filters = ["l.status = 'active'"]
        var sortIndexFilters = ["l.status = 'active'"]
        var filterArguments: [any DatabaseValueConvertible & Sendable] = []
        if let category = query.category, !category.isEmpty {
            filters.append("l.category = ?"); sortIndexFilters.append("+l.category = ?"); filterArguments.append(category)
        }
        if let minPrice = query.minPrice { filters.append("l.price >= ?"); sortIndexFilters.append("\(price) >= ?"); filterArguments.append(minPrice) }
        if let maxPrice = query.maxPrice { filters.append("l.price <= ?"); sortIndexFilters.append("\(price) <= ?"); filterArguments.append(maxPrice) }
        let filterSQL = filters.joined(separator: " AND ")
        let sortIndexFilterSQL = sortIndexFilters.joined(separator: " AND ")
        let plan = Self.plan(for: sort)
        let cache = countCache
        let finalSort = sort
        let finalFilterCount = filters.count
        let finalFilterArguments = filterArguments
        let finalAfter = after
        let reverse = query.reverse
        let countLimit = matchCountLimit
        let priceIndex = self.priceIndex
        let sortKeys = self.sortKeys
        let collectLimit = self.collectLimit
        let pricesOnly = (query.category ?? "").isEmpty
        let minPrice = query.minPrice, maxPrice = query.maxPrice
        // Read before the snapshot opens: see `CatalogGeneration.current`.
        let generation = database.catalogGeneration.current

        return try await database.pool.read { db in
            // The count: FTS-only when there are no filters beyond "active" (the index holds active listings only).
            func countMatches() throws -> (total: Int, isLowerBound: Bool) {
                // Price filters alone: counted exactly in memory once the catalog has been steady for a while.
                if match == nil, finalFilterCount > 1, pricesOnly,
                   let exact = try priceIndex.count(db, generation: generation, minPrice: minPrice, maxPrice: maxPrice) {
                    return exact > countLimit ? (countLimit, true) : (exact, false)
                }
                let countSQL: String
                var countArguments = StatementArguments()
                if let match {
                    let matches = finalFilterCount == 1
                        ? "SELECT 1 FROM listings_fts WHERE listings_fts MATCH ?"
                        : "SELECT 1 FROM listings_fts JOIN listings l ON l.seq = listings_fts.rowid WHERE listings_fts MATCH ? AND \(filterSQL)"
                    countSQL = "SELECT count(*) FROM (\(matches) LIMIT \(countLimit + 1))"
                    _ = countArguments.append(contentsOf: [match])
                } else if finalFilterCount > 1 {
                    countSQL = "SELECT count(*) FROM (SELECT 1 FROM listings l WHERE \(filterSQL) LIMIT \(countLimit + 1))"
                } else {
                    countSQL = "SELECT count(*) FROM listings l WHERE \(filterSQL)"
                }
                _ = countArguments.append(contentsOf: StatementArguments(finalFilterArguments))
                let counted = try cache.count(db, generation: generation, sql: countSQL, arguments: countArguments)
                return counted > countLimit && (match != nil || finalFilterCount > 1) ? (countLimit, true) : (counted, false)
            }

            var rows: [Row]
            var next: ListingCursor?
            var total = 0, totalIsLowerBound = false
            if finalSort == .relevance, let match {
                let top = try finalAfter?.w ?? (Int64.fetchOne(db.cachedStatement(sql: "SELECT max(seq) FROM listings")) ?? 0)
                let shares = try Self.termShares(db, terms: terms, below: top, cache: cache, generation: generation)
                let page = reverse
                    ? try Self.reversedRelevancePage(db, window: relevanceWindow, match: match, shares: shares, top: top, filterSQL: filterSQL,
                                                     filterArguments: finalFilterArguments, after: finalAfter, limit: limit, fingerprint: fingerprint)
                    : try Self.relevancePage(db, window: relevanceWindow, match: match, shares: shares, top: top, filterSQL: filterSQL,
                                             filterArguments: finalFilterArguments, after: finalAfter, limit: limit, fingerprint: fingerprint)
                (rows, next) = (page.rows, page.next)
                // A first page whose window was not full has seen every match: no need to count them again.
                if finalAfter == nil, let seen = page.windowCount, seen < relevanceWindow {
                    (total, totalIsLowerBound) = (seen, false)
                } else {
                    (total, totalIsLowerBound) = try countMatches()
                }
            } else {
                // A search sorted by a column whose keys are held: one pass over the matches gives the page and the count.
                if let match, pricesOnly, let page = try Self.collectedPage(
                    db, match: match, sort: finalSort, reverse: reverse, after: finalAfter, limit: limit, minPrice: minPrice, maxPrice: maxPrice,
                    countLimit: countLimit, fingerprint: fingerprint, sortKeys: sortKeys, collectLimit: collectLimit, cache: cache, generation: generation) {
                    return page
                }
                (total, totalIsLowerBound) = try countMatches()
                // Reversed, both the key and the tie-breaking sequence turn around: the exact forward order read backwards.
                // SQLite walks the same index from the other end, so a reversed page costs what a forward one does.
                let ascending = plan.ascending != reverse
                let comparison = ascending ? ">" : "<"
                let direction = ascending ? "ASC" : "DESC"
                var arguments = StatementArguments()
                var source = ""
                var from = "listings l JOIN accounts a ON a.id = l.seller_id"
                var with = ""
                if let match {
                    // Three plans, by how many listings match (the count) and how densely (a sample):
                    // - few (exactly counted, under √(2 × catalog)): read just those and sort them;
                    // - most (past the count limit and dense): walk the sort's index and check each listing;
                    // - in between: collect the matches, then walk the sort's index keeping those.
                    // Each is the slow one somewhere: walking the index for a handful of matches went through a
                    // million listings (a quarter of a second), collecting a million matches cost as much.
                    let top = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(seq) FROM listings")) ?? 0
                    var dense = false
                    if totalIsLowerBound {
                        let share = try Self.termShares(db, terms: [match], below: top, cache: cache, generation: generation)[0]
                        dense = share >= Self.probeShare(catalogSize: top)
                    }
                    if !totalIsLowerBound, finalFilterCount == 1, Double(total) * Double(total) < 2 * Double(top) {
                        // MATERIALIZED: as a plain subquery SQLite folds it into the join and runs the MATCH once per
                        // listing in sort order (0.85 s over a million listings).
                        with = "WITH m AS MATERIALIZED (SELECT rowid AS seq FROM listings_fts WHERE listings_fts MATCH ?) "
                        from = "m JOIN listings l ON l.seq = m.seq JOIN accounts a ON a.id = l.seller_id"
                    } else {
                        source = dense
                            ? "EXISTS (SELECT 1 FROM listings_fts WHERE listings_fts MATCH ? AND listings_fts.rowid = l.seq) AND "
                            : "l.seq IN (SELECT rowid FROM listings_fts WHERE listings_fts MATCH ?) AND "
                    }
                    _ = arguments.append(contentsOf: [match])
                }
                _ = arguments.append(contentsOf: StatementArguments(finalFilterArguments))
                var keyset = ""
                if let after = finalAfter {
                    keyset = "AND (\(plan.key), l.seq) \(comparison) (?, ?)"
                    if plan.integerKey { _ = arguments.append(contentsOf: [after.ki ?? 0, after.i]) }
                    else { _ = arguments.append(contentsOf: [after.k ?? 0, after.i]) }
                }
                _ = arguments.append(contentsOf: [limit + 1])
                // Without statistics SQLite takes a price range or category for selective and sorts every match,
                // 230 ms for a price floor over 100,000 listings. The count says which plan wins: when many
                // listings match, walking the sort's index finds a page of them in a few hundred rows; when few
                // do, reading just those through the filter's index and sorting them is cheaper.
                let pageFilterSQL = total > Self.sortIndexThreshold ? sortIndexFilterSQL : filterSQL
                // Nothing matched (counted exactly): no page to read. Otherwise the rows are read through a statement
                // prepared once per connection (the SQL differs only by which filters are present) and turned into
                // summaries as they stream by, without copying each row first.
                var items: [ListingSummary] = []
                var nextCursor: ListingCursor?
                if total > 0 || totalIsLowerBound {
                    items.reserveCapacity(limit)
                    let statement = try db.cachedStatement(sql: """
                        \(with)SELECT \(Self.summaryColumns), \(plan.key) AS sort_key
                        FROM \(from)
                        WHERE \(source)\(pageFilterSQL) \(keyset)
                        ORDER BY \(plan.key) \(direction), l.seq \(direction) LIMIT ?
                        """)
                    let sortKeyColumn = statement.columnCount - 1
                    var last: (seq: Int64, sortKey: DatabaseValue)?
                    let cursor = try Row.fetchCursor(statement, arguments: arguments)
                    while let row = try cursor.next() {
                        guard items.count < limit else {
                            // A row past the page: there is a next page, after the page's last listing.
                            if let last {
                                var next = ListingCursor(s: finalSort.rawValue, k: nil, ki: nil, i: last.seq, f: fingerprint, r: reverse ? true : nil)
                                if plan.integerKey { next.ki = Int64.fromDatabaseValue(last.sortKey) } else { next.k = Double.fromDatabaseValue(last.sortKey) }
                                nextCursor = next
                            }
                            break
                        }
                        items.append(Self.summary(from: row))
                        last = (row[0], row[sortKeyColumn])
                    }
                }
                return ListingPage(items: items, nextCursor: nextCursor?.encoded(), total: total, totalIsLowerBound: totalIsLowerBound)
            }
            return ListingPage(items: rows.prefix(limit).map(Self.summary(from:)), nextCursor: next?.encoded(), total: total,
                               totalIsLowerBound: totalIsLowerBound)
        }
    }

    static func sortKeyColumn(_ sort: ListingSort) -> ListingSortKeyIndex.Column? {
        switch sort {
        case .newest: .createdAt
        case .priceAsc, .priceDesc: .price
        case .revenue: .revenue
        case .profit: .profit
        case .multiple: .multiple
        case .relevance: nil
        }
    }

    /// A sorted full-text page from the held sort keys: every match streams out of FTS5 in rowid order, is filtered
    /// by price (held too) and kept when it is among the page's best after the cursor; the pass counts the matches on
    /// the way, so `total` needs no query of its own. The same page, cursor and total as the SQL plans, which answer
    /// instead (nil) when the keys are not held, the search is broader than `collectLimit`, or a match is a listing the
    /// keys do not know (one written since they were read, which a later generation's keys will).
    static func collectedPage(_ db: Database, match: String, sort: ListingSort, reverse: Bool, after: ListingCursor?, limit: Int,
                              minPrice: Int64?, maxPrice: Int64?, countLimit: Int, fingerprint: String, sortKeys: ListingSortKeyIndex,
                              collectLimit: Int?, cache: ListingCountCache, generation: UInt64) throws -> ListingPage? {
        guard let column = sortKeyColumn(sort) else { return nil }
        let top = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(seq) FROM listings")) ?? 0
        let share = try termShares(db, terms: [match], below: top, cache: cache, generation: generation)[0]
        let most = collectLimit ?? Self.collectLimit(catalogSize: top, limit: limit)
        guard share * Double(top) <= Double(most) else { return nil }
        guard let keys = try sortKeys.keys(db, generation: generation, column: column) else { return nil }
        var prices: ListingSortKeyIndex.Keys<Int64>?
        if minPrice != nil || maxPrice != nil {
            guard case let .integers(held)? = try sortKeys.keys(db, generation: generation, column: .price) else { return nil }
            prices = held
        }
        let plan = plan(for: sort)
        let ascending = plan.ascending != reverse
        var page: [Int64] = []
        var nextKey: DatabaseValue?
        var heldKeys: [Int64: DatabaseValue] = [:]
        let matched: Int
        switch keys {
        case let .integers(held):
            guard let found = try collect(db, match: match, keys: held, ascending: ascending, after: after.map { ($0.ki ?? 0, $0.i) },
                                          keep: limit + 1, prices: prices, minPrice: minPrice, maxPrice: maxPrice) else { return nil }
            matched = found.matched
            page = found.best.prefix(limit).map(\.1)
            for entry in found.best { heldKeys[entry.1] = entry.0.databaseValue }
            if found.best.count > limit { nextKey = found.best[limit - 1].0.databaseValue }
        case let .reals(held):
            guard let found = try collect(db, match: match, keys: held, ascending: ascending, after: after.map { ($0.k ?? 0, $0.i) },
                                          keep: limit + 1, prices: prices, minPrice: minPrice, maxPrice: maxPrice) else { return nil }
            matched = found.matched
            page = found.best.prefix(limit).map(\.1)
            for entry in found.best { heldKeys[entry.1] = entry.0.databaseValue }
            if found.best.count > limit { nextKey = found.best[limit - 1].0.databaseValue }
        }
        var items: [ListingSummary] = []
        if !page.isEmpty {
            let rows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT \(summaryColumns), \(plan.key) AS sort_key FROM listings l JOIN accounts a ON a.id = l.seller_id
                WHERE l.seq IN (\(Array(repeating: "?", count: page.count).joined(separator: ", ")))
                """), arguments: StatementArguments(page))
            let sortKeyColumn = summaryColumnCount
            var bySeq: [Int64: Row] = [:]
            for row in rows { bySeq[row[0]] = row }
            items.reserveCapacity(page.count)
            for seq in page {
                // The row must still say what the held key says; otherwise the SQL plans answer.
                guard let row = bySeq[seq], row[sortKeyColumn] as DatabaseValue == heldKeys[seq] else { return nil }
                items.append(summary(from: row))
            }
        }
        var next: ListingCursor?
        if let nextKey, let last = page.last {
            next = ListingCursor(s: sort.rawValue, k: nil, ki: nil, i: last, f: fingerprint, r: reverse ? true : nil)
            if plan.integerKey { next?.ki = Int64.fromDatabaseValue(nextKey) } else { next?.k = Double.fromDatabaseValue(nextKey) }
        }
        let (total, isLowerBound) = matched > countLimit ? (countLimit, true) : (matched, false)
        sortKeys.pagesServed.add(1, ordering: .relaxed)
        return ListingPage(items: items, nextCursor: next?.encoded(), total: total, totalIsLowerBound: isLowerBound)
    }

    /// How many columns `summaryColumns` lists (a query's sort key follows them).
    static let summaryColumnCount = 17

    /// The `keep` first matches after `after` in the order (key, seq), ascending or descending, and how many listings
    /// match at all within the price bounds; nil when a match is not among the held keys.
    static func collect<Key: Comparable>(_ db: Database, match: String, keys: ListingSortKeyIndex.Keys<Key>, ascending: Bool,
                                         after: (Key, Int64)?, keep: Int, prices: ListingSortKeyIndex.Keys<Int64>?,
                                         minPrice: Int64?, maxPrice: Int64?) throws -> (best: [(Key, Int64)], matched: Int)? {
        func precedes(_ a: (Key, Int64), _ b: (Key, Int64)) -> Bool { ascending ? a < b : a > b }
        // Candidates gather in a buffer of a few pages; when it fills, it is cut back to the best `keep`, whose last
        // becomes the bar: past the first few thousand matches almost every one is turned away by one comparison.
        var buffer: [(Key, Int64)] = []
        let capacity = max(keep * 4, 64)
        buffer.reserveCapacity(capacity)
        var bar: (Key, Int64)?
        var matched = 0
        let rows = try Int64.fetchCursor(db.cachedStatement(sql: "SELECT rowid FROM listings_fts WHERE listings_fts MATCH ?"), arguments: [match])
        while let seq = try rows.next() {
            guard let key = keys.key(seq) else { return nil }
            if let prices {
                guard let price = prices.key(seq) else { return nil }
                if let minPrice, price < minPrice { continue }
                if let maxPrice, price > maxPrice { continue }
            }
            matched += 1
            let entry = (key, seq)
            if let after, !precedes(after, entry) { continue }
            if let bar, !precedes(entry, bar) { continue }
            buffer.append(entry)
            if buffer.count >= capacity {
                buffer.sort(by: precedes)
                buffer.removeLast(buffer.count - keep)
                bar = buffer.last
            }
        }
        buffer.sort(by: precedes)
        if buffer.count > keep { buffer.removeLast(buffer.count - keep) }
        return (buffer, matched)
    }

    /// Relevance pages. Phase 1: the newest `relevanceWindow` matches (no newer than the window's top, fixed
    /// on the first page so listings added meanwhile do not shift pages) in BM25 order. Phase 2: the older
    /// matches, newest first.
    static func relevancePage(_ db: Database, window relevanceWindow: Int, match: String, shares: [Double], top: Int64, filterSQL: String,
                              filterArguments: [any DatabaseValueConvertible & Sendable],
                              after: ListingCursor?, limit: Int, fingerprint: String) throws -> (rows: [Row], next: ListingCursor?, windowCount: Int?) {
        var rows: [Row] = []
        var windowCount: Int?
        let olderThan: Int64
        if (after?.p ?? 1) == 1 {
            let candidates = try relevanceCandidates(db, window: relevanceWindow, match: match, shares: shares, top: top,
                                                     filterSQL: filterSQL, filterArguments: filterArguments)
            windowCount = candidates.count
            // Within the fixed window the position is kept, not the score: BM25 scores shift as listings are added
            // (term shares change) while the window's members and, for one term, their order do not.
            let ranked = candidates.sorted { ($0.score, $0.seq) < ($1.score, $1.seq) }
            let offset = after?.o ?? 0
            let slice = Array(ranked.dropFirst(offset).prefix(limit + 1))
            if !slice.isEmpty {
                let fetched = try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT \(summaryColumns) FROM listings l JOIN accounts a ON a.id = l.seller_id
                    WHERE l.seq IN (\(Array(repeating: "?", count: slice.count).joined(separator: ", ")))
                    """), arguments: StatementArguments(slice.map(\.seq)))
                let bySeq = Dictionary(fetched.map { ($0[0] as Int64, $0) }, uniquingKeysWith: { first, _ in first })
                rows = slice.compactMap { bySeq[$0.seq] }
            }
            if rows.count > limit, let last = rows.prefix(limit).last {
                return (rows, ListingCursor(s: ListingSort.relevance.rawValue, k: nil, ki: nil, i: last["seq"], f: fingerprint, w: top, p: 1, o: offset + limit),
                        windowCount)
            }
            // Older matches follow only when the window was full; they start below its oldest member.
            guard candidates.count >= relevanceWindow, let oldest = candidates.last?.seq else { return (rows, nil, windowCount) }
            olderThan = oldest
        } else {
            olderThan = after!.i
        }
        var arguments: StatementArguments = [match, olderThan]
        _ = arguments.append(contentsOf: StatementArguments(filterArguments))
        _ = arguments.append(contentsOf: [limit + 1 - rows.count])
        let older = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT \(summaryColumns), 0.0 AS sort_key
            FROM listings_fts JOIN listings l ON l.seq = listings_fts.rowid JOIN accounts a ON a.id = l.seller_id
            WHERE listings_fts MATCH ? AND listings_fts.rowid < ? AND \(filterSQL)
            ORDER BY listings_fts.rowid DESC LIMIT ?
            """), arguments: arguments)
        let fromWindow = rows.count
        rows += older
        if rows.count > limit {
            // The next page continues below the last older match served, or right below the window when this page
            // ended inside it (continuing below a window member would serve the rest of the window again).
            let resume: Int64 = limit <= fromWindow ? olderThan : rows[limit - 1]["seq"]
            return (rows, ListingCursor(s: ListingSort.relevance.rawValue, k: nil, ki: nil, i: resume, f: fingerprint, w: top, p: 2), windowCount)
        }
        return (rows, nil, windowCount)
    }

    /// The relevance window: the newest `relevanceWindow` matches no newer than `top`, with their BM25 scores (lower is
    /// better), newest first. The window is read once, ranked by the caller, and only a page's listings are fetched:
    /// its size says whether older matches follow (and, on a first page, is the exact total), its oldest member where
    /// they start. The index holds active listings only, so without other filters the window needs no listing lookups.
    static func relevanceCandidates(_ db: Database, window relevanceWindow: Int, match: String, shares: [Double], top: Int64, filterSQL: String,
                                    filterArguments: [any DatabaseValueConvertible & Sendable]) throws -> [(seq: Int64, score: Double)] {
        let rank = "\(ListingRankFunction.name)(listings_fts\(String(repeating: ", ?", count: shares.count)))"
        let candidatesSQL = filterArguments.isEmpty ? """
            SELECT listings_fts.rowid, \(rank)
            FROM listings_fts WHERE listings_fts MATCH ? AND listings_fts.rowid <= ?
            ORDER BY listings_fts.rowid DESC LIMIT \(relevanceWindow)
            """ : """
            SELECT listings_fts.rowid, \(rank)
            FROM listings_fts JOIN listings l ON l.seq = listings_fts.rowid
            WHERE listings_fts MATCH ? AND listings_fts.rowid <= ? AND \(filterSQL)
            ORDER BY listings_fts.rowid DESC LIMIT \(relevanceWindow)
            """
        var windowArguments = StatementArguments(shares)
        _ = windowArguments.append(contentsOf: [match, top])
        _ = windowArguments.append(contentsOf: StatementArguments(filterArguments))
        var candidates: [(seq: Int64, score: Double)] = []
        candidates.reserveCapacity(relevanceWindow)
        let cursor = try Row.fetchCursor(db.cachedStatement(sql: candidatesSQL), arguments: windowArguments)
        while let row = try cursor.next() { candidates.append((row[0], row[1])) }
        return candidates
    }

    /// Relevance pages reversed: exactly `relevancePage`'s order read from the end. Phase 2 first (the matches older
    /// than the window, oldest first; only when the window is full), then phase 1 (the window, least relevant first).
    /// A page can hold the last older matches and the window's first; the cursor says which phase the next one is in.
    static func reversedRelevancePage(_ db: Database, window relevanceWindow: Int, match: String, shares: [Double], top: Int64, filterSQL: String,
                                      filterArguments: [any DatabaseValueConvertible & Sendable],
                                      after: ListingCursor?, limit: Int, fingerprint: String) throws -> (rows: [Row], next: ListingCursor?, windowCount: Int?) {
        let candidates = try relevanceCandidates(db, window: relevanceWindow, match: match, shares: shares, top: top,
                                                 filterSQL: filterSQL, filterArguments: filterArguments)
        var rows: [Row] = []
        let phase = after?.p ?? 2
        if phase == 2, candidates.count >= relevanceWindow, let oldest = candidates.last?.seq {
            var arguments: StatementArguments = [match, after?.i ?? 0, oldest]
            _ = arguments.append(contentsOf: StatementArguments(filterArguments))
            _ = arguments.append(contentsOf: [limit + 1])
            rows = try Row.fetchAll(db, sql: """
                SELECT \(summaryColumns), 0.0 AS sort_key
                FROM listings_fts JOIN listings l ON l.seq = listings_fts.rowid JOIN accounts a ON a.id = l.seller_id
                WHERE listings_fts MATCH ? AND listings_fts.rowid > ? AND listings_fts.rowid < ? AND \(filterSQL)
                ORDER BY listings_fts.rowid ASC LIMIT ?
                """, arguments: arguments)
            if rows.count > limit {
                return (rows, ListingCursor(s: ListingSort.relevance.rawValue, k: nil, ki: nil, i: rows[limit - 1]["seq"], f: fingerprint,
                                            w: top, p: 2, r: true), candidates.count)
            }
        }
        let fromOlder = rows.count
        let ranked = candidates.sorted { ($0.score, $0.seq) > ($1.score, $1.seq) }
        let offset = phase == 1 ? after?.o ?? 0 : 0
        let slice = Array(ranked.dropFirst(offset).prefix(limit + 1 - fromOlder))
        if !slice.isEmpty {
            let fetched = try Row.fetchAll(db, sql: """
                SELECT \(summaryColumns) FROM listings l JOIN accounts a ON a.id = l.seller_id
                WHERE l.seq IN (\(Array(repeating: "?", count: slice.count).joined(separator: ", ")))
                """, arguments: StatementArguments(slice.map(\.seq)))
            let bySeq = Dictionary(fetched.map { ($0[0] as Int64, $0) }, uniquingKeysWith: { first, _ in first })
            rows += slice.compactMap { bySeq[$0.seq] }
        }
        if rows.count > limit {
            return (rows, ListingCursor(s: ListingSort.relevance.rawValue, k: nil, ki: nil, i: rows[limit - 1]["seq"], f: fingerprint,
                                        w: top, p: 1, o: offset + limit - fromOlder, r: true), candidates.count)
        }
        return (rows, nil, candidates.count)
    }

    /// Merges the full-text index into one b-tree. A bulk insert leaves it in many segments, and every term of
    /// every query is looked up in each: over a million listings a sorted search's per-listing checks ran
    /// 10–20× slower (80 ms against 4 ms) before the merge. Takes about 12 s per million listings.
    public static func optimizeSearchIndex(_ database: PlatformDatabase) async throws {
        try await database.pool.write { db in
            try db.execute(sql: "INSERT INTO listings_fts(listings_fts) VALUES ('optimize')")
        }
    }

    /// Each term's share of the catalog (the fraction of listings that contain it), measured over the newest
    /// `termShareSample` listings at or below `top`: BM25 weighs rare terms above common ones, and a sample
    /// gives that weight for a fraction of a millisecond where counting every listing took tens (see
    /// `ListingRankFunction`). Exact whenever the catalog is no larger than the sample. Cached per generation.
    static func termShares(_ db: Database, terms: [String], below top: Int64, cache: ListingCountCache, generation: UInt64) throws -> [Double] {
        let floor = top - termShareSample
        let sampled = try cache.count(db, generation: generation, sql: "SELECT count(*) FROM listings WHERE seq > ? AND seq <= ? AND status = 'active'",
                                      arguments: [floor, top])
        guard sampled > 0 else { return terms.map { _ in 0 } }
        return try terms.map { term in
            let containing = try cache.count(db, generation: generation,
                                             sql: "SELECT count(*) FROM listings_fts WHERE listings_fts MATCH ? AND rowid > ? AND rowid <= ?",
                                             arguments: [term, floor, top])
            return Double(containing) / Double(sampled)
        }
    }

    public func listing(slug: String) async throws -> Listing? {
        try await listing(slug: slug, draftOf: nil)
    }

    public func listing(slug: String, includingDraftOf sellerId: String) async throws -> Listing? {
        try await listing(slug: slug, draftOf: sellerId)
    }

    public func publishDraft(slug: String, sellerId: String, now: Date) async throws -> Bool {
        try await database.pool.write { db in
            // Listed from now: a draft kept for weeks goes live as the newest listing, not buried by its creation date.
            try db.execute(sql: "UPDATE listings SET status = 'active', created_at = ?, updated_at = ? WHERE slug = ? AND seller_id = ? AND status = 'draft'",
                           arguments: [StoredTime.encode(now), StoredTime.encode(now), slug, sellerId])
            return db.changesCount > 0
        }
    }

    private func listing(slug: String, draftOf sellerId: String?) async throws -> Listing? {
        try await database.pool.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT \(Self.summaryColumns), l.description, l.manifest, l.assets, l.status, l.updated_at, l.history, l.reserved_until,
                       a.created_at AS seller_since,
                       (SELECT count(*) FROM listings s WHERE s.seller_id = l.seller_id AND s.status = 'active') AS seller_listings
                FROM listings l JOIN accounts a ON a.id = l.seller_id
                WHERE l.slug = ? AND l.status != 'withdrawn' AND (l.status != 'draft' OR l.seller_id = ?)
                """, arguments: [slug, sellerId]) else { return nil }
            var summary = Self.summary(from: row)
            let since: Int64 = row["seller_since"]
            summary.seller.memberSince = StoredTime.decode(since)
            summary.seller.listingsCount = row["seller_listings"]
            let manifest = try JSONDecoder().decode(PackageManifest.self, from: Data((row["manifest"] as String).utf8))
            let assets = try JSONDecoder().decode([BusinessAsset].self, from: Data((row["assets"] as String).utf8))
            let history = try (row["history"] as String?).map { try JSONDecoder().decode([MonthlyFigures].self, from: Data($0.utf8)) }
            return Listing(summary: summary, description: row["description"], package: manifest, assets: assets,
                           status: ListingStatus(rawValue: row["status"]) ?? .active, updatedAt: StoredTime.decode(row["updated_at"] as Int64),
                           history: history, reservedUntil: StoredTime.decode(row["reserved_until"] as Int64?))
        }
    }

    public func listingForSale(slug: String) async throws -> ListingForSale? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT id, slug, title, seller_id, currency, price, status FROM listings WHERE slug = ?", arguments: [slug]).map {
                ListingForSale(id: $0["id"], slug: $0["slug"], title: $0["title"], sellerId: $0["seller_id"],
                               askingPrice: Money(minorUnits: $0["price"], currency: Currency(code: $0["currency"])),
                               status: ListingStatus(rawValue: $0["status"]) ?? .withdrawn)
            }
        }
    }

    public func categories() async throws -> [CategoryCount] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT category, count(*) AS n FROM listings WHERE status = 'active' GROUP BY category ORDER BY n DESC, category ASC
                """).map { CategoryCount(name: $0["category"], count: $0["n"]) }
        }
    }

    @discardableResult
    public func insert(_ listing: NewListing, now: Date) async throws -> String {
        let id = PlatformID.make("lst")
        let manifest = String(decoding: try JSONEncoder().encode(listing.storedManifest), as: UTF8.self)
        let assets = String(decoding: try JSONEncoder().encode(listing.assets), as: UTF8.self)
        do {
            try await database.pool.write { db in
                try Self.insertStatement(db).execute(arguments: Self.arguments(id: id, listing: listing, manifest: manifest, assets: assets, now: now))
                try SavedSearchMatching.notifyMatches(db, listingId: id, listing: listing, now: now)
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw PlatformError.conflict("a listing with the slug `\(listing.slug)` already exists; choose another slug", field: "slug")
        }
        return id
    }

    public func update(slug: String, sellerId: String, details: PublishListingRequest, manifest: PackageManifest?, assets: [BusinessAsset]?, now: Date) async throws -> Bool {
        // The seller API's history, else a new package's; neither keeps the listing's (COALESCE below).
        let history = details.history ?? manifest?.history
        let manifestText = try manifest.map { m -> String in
            var stored = m
            stored.history = nil
            return String(decoding: try JSONEncoder().encode(stored), as: UTF8.self)
        }
        let assetsText = try assets.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        return try await database.pool.write { db in
            // Every price change passes through here: the drop is found against the stored price, in this transaction.
            let before = try Row.fetchOne(db, sql: "SELECT id, price, currency, status FROM listings WHERE slug = ? AND seller_id = ?",
                                          arguments: [slug, sellerId])
            try db.execute(sql: """
                UPDATE listings SET title = ?, tagline = ?, description = ?, category = ?, currency = ?, price = ?, revenue = ?,
                    profit = ?, multiple = ?, age_months = ?, tech_stack = ?, visitors = ?,
                    manifest = COALESCE(?, manifest), assets = COALESCE(?, assets),
                    history = COALESCE(?, history), revenue_sparkline = COALESCE(?, revenue_sparkline), updated_at = ?
                WHERE slug = ? AND seller_id = ? AND status != 'withdrawn'
                """, arguments: [
                    details.title, details.tagline, details.description, details.category, details.askingPrice.currency.code,
                    details.askingPrice.minorUnits, details.monthlyRevenue.minorUnits, details.monthlyProfit.minorUnits,
                    Self.multiple(details), details.ageMonths, Self.techStackText(details.techStack), details.monthlyVisitors,
                    manifestText, assetsText, ListingHistory.storedHistory(history), ListingHistory.storedSparkline(history),
                    StoredTime.encode(now), slug, sellerId,
                ])
            guard db.changesCount > 0 else { return false }
            if let before, (before["status"] as String) != "withdrawn", (before["currency"] as String) == details.askingPrice.currency.code,
               details.askingPrice.minorUnits < (before["price"] as Int64) {
                let old = Money(minorUnits: before["price"], currency: details.askingPrice.currency)
                try NotificationRecords.toWatchers(db, listingId: before["id"], except: sellerId, .init(
                    kind: .priceDrop, message: "Price drop: \(details.title) — \(old.formattedWhole) → \(details.askingPrice.formattedWhole)",
                    listingSlug: slug, listingTitle: details.title, oldPrice: old, newPrice: details.askingPrice), now: now)
            }
            return true
        }
    }

    public func withdraw(slug: String, sellerId: String, now: Date) async throws -> Bool {
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE listings SET status = 'withdrawn', updated_at = ? WHERE slug = ? AND seller_id = ? AND status != 'withdrawn'",
                           arguments: [StoredTime.encode(now), slug, sellerId])
            return db.changesCount > 0
        }
    }

    public func listings(sellerId: String) async throws -> [ExportedListing] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, slug, title, tagline, description, category, currency, price, status, created_at, updated_at
                FROM listings WHERE seller_id = ? ORDER BY created_at, rowid
                """, arguments: [sellerId]).map {
                ExportedListing(id: $0["id"], slug: $0["slug"], title: $0["title"], tagline: $0["tagline"], description: $0["description"],
                                category: $0["category"], askingPrice: Money(minorUnits: $0["price"], currency: Currency(code: $0["currency"])),
                                status: ListingStatus(rawValue: $0["status"]) ?? .withdrawn,
                                createdAt: StoredTime.decode($0["created_at"] as Int64), updatedAt: StoredTime.decode($0["updated_at"] as Int64))
            }
        }
    }

    public func activeListingCount() async throws -> Int {
        try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM listings WHERE status = 'active'") ?? 0 }
    }

    // MARK: Rows

    static func insertStatement(_ db: Database) throws -> Statement {
        try db.cachedStatement(sql: """
            INSERT INTO listings (id, slug, seller_id, title, tagline, description, category, currency, price, revenue, profit,
                multiple, age_months, tech_stack, visitors, status, manifest, assets, created_at, updated_at, history, revenue_sparkline)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
    }

    static func arguments(id: String, listing: NewListing, manifest: String, assets: String, now: Date) -> StatementArguments {
        let d = listing.details
        let time = StoredTime.encode(now)
        return [id, listing.slug, listing.sellerId, d.title, d.tagline, d.description, d.category, d.askingPrice.currency.code,
                d.askingPrice.minorUnits, d.monthlyRevenue.minorUnits, d.monthlyProfit.minorUnits, multiple(d), d.ageMonths,
                techStackText(d.techStack), d.monthlyVisitors, listing.status.rawValue, manifest, assets, time, time,
                ListingHistory.storedHistory(listing.history), ListingHistory.storedSparkline(listing.history)]
    }

    /// A JSON array: exact on the way back, and FTS5's tokenizer ignores the brackets and quotes.
    static func techStackText(_ stack: [String]) -> String {
        // Plain words need no escaping; anything else goes through the encoder.
        if stack.allSatisfy({ $0.unicodeScalars.allSatisfy { $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 0x20 } }) {
            return "[" + stack.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        }
        return String(decoding: (try? JSONEncoder().encode(stack)) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func multiple(_ d: PublishListingRequest) -> Double {
        guard d.monthlyProfit.minorUnits > 0 else { return noMultiple }
        return Double(d.askingPrice.minorUnits) / Double(d.monthlyProfit.minorUnits * 12)
    }

    /// Reads the `summaryColumns` by position (they come first in every query that selects them): looking
    /// a column up by name lowercases and compares every column name, which cost more than the query.
    static func summary(from row: Row) -> ListingSummary {
        let currency = Currency(code: row[6])
        return ListingSummary(
            id: row[1], slug: row[2], title: row[3], tagline: row[4], category: row[5],
            askingPrice: Money(minorUnits: row[7], currency: currency),
            monthlyRevenue: Money(minorUnits: row[8], currency: currency),
            monthlyProfit: Money(minorUnits: row[9], currency: currency),
            ageMonths: row[10],
            techStack: techStack(fromStored: row[11]),
            monthlyVisitors: row[12],
            seller: SellerSummary(id: row[14], displayName: row[15]),
            createdAt: StoredTime.decode(row[13] as Int64),
            revenueSparkline: ListingHistory.sparkline(fromStored: row[16]))
    }

    /// The stored tech stack, a JSON array of strings (`techStackText`). Names without escapes (all of them in
    /// practice) are read straight from the bytes; anything else goes through the JSON decoder. (Read with
    /// Substring splitting and `contains`, this was 17 % of an uncached listing page's CPU: Foundation's string search.)
    static func techStack(fromStored text: String) -> [String] {
        var stored = text
        let plain = stored.withUTF8 { bytes -> [String]? in
            let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), backslash = UInt8(ascii: "\\")
            guard bytes.count >= 2, bytes[0] == UInt8(ascii: "["), bytes[bytes.count - 1] == UInt8(ascii: "]") else { return nil }
            let end = bytes.count - 1
            var names: [String] = []
            var index = 1
            if index == end { return names }
            while true {
                guard index < end, bytes[index] == quote else { return nil }
                let start = index + 1
                var close = start
                while close < end, bytes[close] != quote {
                    if bytes[close] == backslash || bytes[close] < 0x20 { return nil }
                    close += 1
                }
                guard close < end else { return nil }
                names.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<close]), as: UTF8.self))
                index = close + 1
                if index == end { return names }
                guard bytes[index] == comma else { return nil }
                index += 1
            }
        }
        if let plain { return plain }
        return (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }
}
