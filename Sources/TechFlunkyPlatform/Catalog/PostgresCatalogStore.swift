import Foundation
import PostgresNIO
import TechFlunkyCore

/// `CatalogStore` on PostgreSQL (`PostgresSchema`'s `pg_v2_catalog`), with the SQLite store's ordering and paging
/// contract: the same sorts, the same keyset cursors (`ListingCursor`, interchangeable in shape), relevance as a
/// ranked window of the newest `relevanceWindow` matches followed by older matches newest first, counts that stop
/// at `matchCountLimit` (`totalIsLowerBound`).
///
/// Full text is PostgreSQL's own: a stored, weighted `tsvector` (title A, tagline B, category and tech stack C,
/// description D; the `simple` configuration, so words are matched as written, like FTS5's unicode61; accents
/// removed on both sides, like its `remove_diacritics 2`: `cafe` finds "Café Finder", `pg_v9_search_unaccent`) with a
/// partial GIN index over active listings; every typed word is a prefix (`invo:*`), all required; ranking is
/// `ts_rank` with those weights. Where no listing matches every word, the search is typo tolerant (pg_trgm's
/// word similarity over title and tagline, `invoicly` finds Invoicely) — something the SQLite engine cannot do.
///
/// Every write bumps `generation`, which keys the listing-page cache as the SQLite engine's observer does.
/// As on SQLite, a new listing tells the saved searches it matches and a price cut tells the listing's watchers,
/// in the write's transaction; `rang` is called after such a commit (the notification bell, as for
/// `PostgresMarketStore`).
public struct PostgresCatalogStore: CatalogStore {
    let database: PostgresDatabase
    let generation: CatalogGeneration
    let relevanceWindow: Int
    let matchCountLimit: Int
    let rang: @Sendable () -> Void

    public init(database: PostgresDatabase, generation: CatalogGeneration, relevanceWindow: Int = SQLiteCatalogStore.defaultRelevanceWindow,
                matchCountLimit: Int = SQLiteCatalogStore.defaultMatchCountLimit, rang: @escaping @Sendable () -> Void = {}) {
        self.database = database
        self.generation = generation
        self.relevanceWindow = max(1, relevanceWindow)
        self.matchCountLimit = max(1, matchCountLimit)
        self.rang = rang
    }

    /// A typo-tolerant match is pg_trgm's `%>` (word similarity of at least `pg_trgm.word_similarity_threshold`,
    /// 0.6 by default) over lower-cased title and tagline with accents removed, which the `listings_typos` index
    /// serves (`pg_v9_search_unaccent`; the expression must be the index's exactly).
    static let typoDocument = "techflunky_unaccent(lower(l.title || ' ' || l.tagline))"

    /// The tsquery of `parameter` (a `tsQuery` text), accents removed as the stored document's are
    /// (`pg_v9_search_unaccent`): `cafe`, `café` and `CAFÉ` are one word.
    static func tsQueryExpression(_ parameter: String) -> String {
        "to_tsquery('simple', techflunky_unaccent(\(parameter)))"
    }

    static let summaryColumns = """
        l.seq, l.id, l.slug, l.title, l.tagline, l.category, l.currency, l.price, l.revenue, l.profit, l.age_months,
        l.tech_stack, l.visitors, l.created_at, l.seller_id, a.display_name, l.revenue_sparkline
        """

    /// The words of a query as a `to_tsquery` expression: each a prefix (a one-letter word only itself), all
    /// required. Words are letters and digits only (`FullTextQuery`'s rule), so no operator can be typed in.
    public static func tsQuery(_ text: String?) -> String? {
        guard let text else { return nil }
        let words = text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) })
            .prefix(FullTextQuery.maximumTerms).map { String($0.prefix(64)) }
        guard !words.isEmpty else { return nil }
        return words.map { $0.count == 1 ? $0 : "\($0):*" }.joined(separator: " & ")
    }

    /// Positional parameters for a query assembled in parts.
    struct Parameters {
        var bindings = PostgresBindings()
        mutating func add(_ value: String) -> String { bindings.append(value); return "$\(bindings.count)" }
        mutating func add(_ value: Int64) -> String { bindings.append(value); return "$\(bindings.count)" }
        mutating func add(_ value: Double) -> String { bindings.append(value); return "$\(bindings.count)" }
    }

    public func search(_ query: ListingQuery) async throws -> ListingPage {
        let tsQuery = Self.tsQuery(query.q)
        var sort = query.sort ?? (tsQuery != nil ? .relevance : .newest)
        if sort == .relevance && tsQuery == nil { sort = .newest }
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

        // The match: every word as a prefix; when nothing matches that way, the words by similarity (typos).
        // Filters first, the match last (positional parameters in that order).
        func filtered(_ match: ((inout Parameters) -> String)?) -> (params: Parameters, filters: [String]) {
            var params = Parameters()
            var filters = ["l.status = 'active'"]
            if let category = query.category, !category.isEmpty { filters.append("l.category = \(params.add(category))") }
            if let minPrice = query.minPrice { filters.append("l.price >= \(params.add(minPrice))") }
            if let maxPrice = query.maxPrice { filters.append("l.price <= \(params.add(maxPrice))") }
            if let match { filters.append(match(&params)) }
            return (params, filters)
        }
        func capped(_ counted: Int) -> (Int, Bool) { counted > matchCountLimit ? (matchCountLimit, true) : (counted, false) }
        func countUpToLimit(_ parts: (params: Parameters, filters: [String]), fromTextIndex: Bool) async throws -> Int {
            try await count("""
                SELECT count(*) FROM (SELECT 1 FROM listings l WHERE \(parts.filters.joined(separator: " AND ")) LIMIT \(matchCountLimit + 1)) m
                """, parts.params.bindings, fromTextIndex: fromTextIndex)
        }
        let plan = SQLiteCatalogStore.plan(for: sort)
        // Reversed, both the key and the tie-breaking sequence turn around: the exact forward order read backwards.
        let ascending = plan.ascending != query.reverse
        // The relevance window's top: the newest listing on a first page (read here, before any statement that turns
        // index scans off: its max(seq) reads the primary key's last entry), the cursor's after that.
        var top = after?.w
        if sort == .relevance && top == nil {
            top = try await database.rows("SELECT coalesce(max(seq), 0) FROM listings").first?.decode(Int64.self) ?? 0
        }
        var params: Parameters, filters: [String]
        var rank = "0.0::float8"
        var total = 0, totalIsLowerBound = false
        // With words, the matches are counted in the same pass as the page (or the relevance window) is read from
        // them (`matchPass`): reading them costs the full-text index's prefix expansion (a few milliseconds for a
        // short prefix) or, for typos, a word similarity per candidate (thousands of them), which the count and
        // the page each paid before.
        var window: [(Int64, Double)]?
        var keyedPage: [PostgresRow]?
        if let tsQuery {
            let needsWindow = sort == .relevance && (query.reverse || (after?.p ?? 1) == 1)
            func pass(_ parts: (params: Parameters, filters: [String]), rank: String, fromTextIndex: Bool) async throws -> MatchPass {
                try await matchPass(params: parts.params, filterSQL: parts.filters.joined(separator: " AND "), sort: sort, plan: plan,
                                    ascending: ascending, rank: rank, top: top, needsWindow: needsWindow, after: after, limit: limit,
                                    fromTextIndex: fromTextIndex)
            }
            // Counted first through the full-text index: a count above zero says there are exact matches; with no
            // other filters, zero says there are none; only a zero under filters asks the catalog as a whole.
            let exact = filtered { (p: inout Parameters) in "l.search @@ \(Self.tsQueryExpression(p.add(tsQuery)))" }
            let exactRank = "ts_rank(l.search, \(Self.tsQueryExpression("$\(exact.params.bindings.count)")))::float8"
            var matched = try await pass(exact, rank: exactRank, fromTextIndex: true)
            var anyExact = matched.count > 0
            if !anyExact && exact.filters.count > 2 {
                anyExact = try await !self.rows("""
                    SELECT 1 FROM listings l WHERE l.status = 'active' AND l.search @@ \(Self.tsQueryExpression("$1")) LIMIT 1
                    """, { var b = PostgresBindings(); b.append(tsQuery); return b }(), fromTextIndex: true).isEmpty
            }
            if anyExact {
                (params, filters) = exact
                rank = exactRank
            } else {
                let words = (query.q ?? "").lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).joined(separator: " ")
                (params, filters) = filtered { (p: inout Parameters) in "\(Self.typoDocument) %> techflunky_unaccent(\(p.add(words)))" }
                rank = "word_similarity(techflunky_unaccent($\(params.bindings.count)), \(Self.typoDocument))::float8"
                matched = try await pass((params, filters), rank: rank, fromTextIndex: false)
            }
            (total, totalIsLowerBound) = capped(matched.count)
            if !totalIsLowerBound { (window, keyedPage) = (matched.window, matched.page) }
        } else {
            (params, filters) = filtered(nil)
            // Counted exactly without filters or words (the whole catalog), else up to the limit.
            if filters.count == 1 {
                total = try await count("SELECT count(*) FROM listings l WHERE \(filters[0])", params.bindings)
                totalIsLowerBound = false
            } else {
                (total, totalIsLowerBound) = capped(try await countUpToLimit((params, filters), fromTextIndex: false))
            }
        }
        let filterSQL = filters.joined(separator: " AND ")
        // Few matches (no more than the count limit) are read through the full-text index and sorted, rather than
        // found by walking a sort order's index past every listing that does not match (the planner's estimate
        // of a tsquery's matches cannot tell a rare combination of words from a common one).
        let sparse = tsQuery != nil && !totalIsLowerBound

        if sort == .relevance {
            let page = query.reverse
                ? try await reversedRelevancePage(params: params, filterSQL: filterSQL, rank: rank, sparse: sparse, top: top ?? 0, window: window,
                                                 after: after, limit: limit, fingerprint: fingerprint)
                : try await relevancePage(params: params, filterSQL: filterSQL, rank: rank, sparse: sparse, top: top ?? 0, window: window,
                                          after: after, limit: limit, fingerprint: fingerprint)
            return ListingPage(items: page.items, nextCursor: page.next?.encoded(), total: total, totalIsLowerBound: totalIsLowerBound)
        }

        let direction = ascending ? "ASC" : "DESC"
        let condition = Self.keysetCondition(key: plan.key, seq: "l.seq", plan: plan, ascending: ascending, after: after, params: &params)
        let keyset = condition.isEmpty ? "" : "AND \(condition)"
        let rows: [PostgresRow]
        if let keyedPage { rows = keyedPage } else {
            rows = try await self.rows("""
                SELECT \(Self.summaryColumns), \(plan.key)\(plan.integerKey ? "" : "::float8") AS sort_key
                FROM listings l JOIN accounts a ON a.id = l.seller_id
                WHERE \(filterSQL) \(keyset)
                ORDER BY \(plan.key) \(direction), l.seq \(direction) LIMIT \(limit + 1)
                """, params.bindings, fromTextIndex: sparse)
        }
        var next: ListingCursor?
        if rows.count > limit {
            let last = rows[limit - 1].makeRandomAccess()
            var cursor = ListingCursor(s: sort.rawValue, k: nil, ki: nil, i: try last[0].decode(Int64.self), f: fingerprint, r: query.reverse ? true : nil)
            if plan.integerKey { cursor.ki = try last[17].decode(Int64.self) } else { cursor.k = try last[17].decode(Double.self) }
            next = cursor
        }
        return ListingPage(items: try rows.prefix(limit).map(Self.summary(from:)), nextCursor: next?.encoded(), total: total,
                           totalIsLowerBound: totalIsLowerBound)
    }

    private func count(_ sql: String, _ bindings: PostgresBindings, fromTextIndex: Bool = false) async throws -> Int {
        try await rows(sql, bindings, fromTextIndex: fromTextIndex).first?.decode(Int.self) ?? 0
    }

    /// Runs `sql`; `fromTextIndex` makes the plan read its rows through a bitmap of the indexes (the GIN full-text
    /// index for a tsquery) rather than a sequential scan or a walk along another index filtering every row, for
    /// this query alone (`set_config(..., true)` lasts until the end of its transaction).
    private func rows(_ sql: String, _ bindings: PostgresBindings, fromTextIndex: Bool) async throws -> [PostgresRow] {
        guard fromTextIndex else { return try await database.rows(PostgresQuery(unsafeSQL: sql, binds: bindings)) }
        return try await database.transaction { tx in
            _ = try await tx.rows("SELECT set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true)")
            return try await tx.rows(PostgresQuery(unsafeSQL: sql, binds: bindings))
        }
    }

    /// Relevance pages, as `SQLiteCatalogStore.relevancePage`: phase 1 the newest `relevanceWindow` matches no newer
    /// than the window's top (fixed on the first page) ranked best first, ties oldest first; phase 2 the older
    /// matches, newest first. Within the window the position is kept, so pages neither repeat nor skip.
    private func relevancePage(params: Parameters, filterSQL: String, rank: String, sparse: Bool, top: Int64, window: [(Int64, Double)]?,
                               after: ListingCursor?, limit: Int, fingerprint: String) async throws -> (items: [ListingSummary], next: ListingCursor?) {
        var items: [ListingSummary] = []
        let olderThan: Int64
        if (after?.p ?? 1) == 1 {
            let candidates = try await relevanceCandidates(readAlready: window, params: params, filterSQL: filterSQL, rank: rank, sparse: sparse, top: top)
            let ranked = candidates.sorted { ($0.1, -$0.0) > ($1.1, -$1.0) }
            let offset = after?.o ?? 0
            let slice = Array(ranked.dropFirst(offset).prefix(limit + 1))
            if !slice.isEmpty {
                var fetch = PostgresBindings()
                fetch.append(slice.map(\.0))
                let fetched = try await database.rows(PostgresQuery(unsafeSQL: """
                    SELECT \(Self.summaryColumns) FROM listings l JOIN accounts a ON a.id = l.seller_id WHERE l.seq = ANY($1)
                    """, binds: fetch))
                var bySeq: [Int64: ListingSummary] = [:]
                for row in fetched { bySeq[try row.makeRandomAccess()[0].decode(Int64.self)] = try Self.summary(from: row) }
                items = slice.compactMap { bySeq[$0.0] }
            }
            if items.count > limit {
                return (Array(items.prefix(limit)),
                        ListingCursor(s: ListingSort.relevance.rawValue, k: nil, ki: nil, i: slice[limit - 1].0, f: fingerprint, w: top, p: 1,
                                      o: offset + limit))
            }
            guard candidates.count >= relevanceWindow, let oldest = candidates.last?.0 else { return (items, nil) }
            olderThan = oldest
        } else {
            olderThan = after?.i ?? 0
        }
        var older = params
        let below = older.add(olderThan)
        let rows = try await database.rows(PostgresQuery(unsafeSQL: """
            SELECT \(Self.summaryColumns) FROM listings l JOIN accounts a ON a.id = l.seller_id
            WHERE \(filterSQL) AND l.seq < \(below)
            ORDER BY l.seq DESC LIMIT \(limit + 1 - items.count)
            """, binds: older.bindings))
        let fromWindow = items.count
        var seqs = items.map { _ in Int64(0) }
        for row in rows {
            items.append(try Self.summary(from: row))
            seqs.append(try row.makeRandomAccess()[0].decode(Int64.self))
        }
        if items.count > limit {
            let resume: Int64 = limit <= fromWindow ? olderThan : seqs[limit - 1]
            return (Array(items.prefix(limit)), ListingCursor(s: ListingSort.relevance.rawValue, k: nil, ki: nil, i: resume, f: fingerprint, w: top, p: 2))
        }
        return (items, nil)
    }

    /// The relevance window: the newest `relevanceWindow` matches no newer than `top`, newest first, with their rank.
    /// The rank is computed for the window's rows only (the inner query's LIMIT keeps it from being flattened), not
    /// for every match the plan reads on the way. `readAlready`: the window `matchPass` read with the count, used as is.
    private func relevanceCandidates(readAlready: [(Int64, Double)]? = nil, params: Parameters, filterSQL: String, rank: String, sparse: Bool,
                                     top: Int64) async throws -> [(Int64, Double)] {
        if let readAlready { return readAlready }
        var window = params
        let topParameter = window.add(top)
        return try await self.rows("""
            SELECT l.seq, \(rank) FROM (
                SELECT l.seq, l.search, l.title, l.tagline FROM listings l WHERE \(filterSQL) AND l.seq <= \(topParameter)
                ORDER BY l.seq DESC LIMIT \(relevanceWindow)
            ) l ORDER BY l.seq DESC
            """, window.bindings, fromTextIndex: sparse).map { try $0.decode((Int64, Double).self) }
    }

    /// The keyset condition for the rows after `after`'s position, `(key, seq) > (…)` ascending and `<` descending, its
    /// values added to `params`; empty on a first page.
    private static func keysetCondition(key: String, seq: String, plan: SQLiteCatalogStore.SortPlan, ascending: Bool, after: ListingCursor?,
                                        params: inout Parameters) -> String {
        guard let after else { return "" }
        let value = plan.integerKey ? params.add(after.ki ?? 0) : params.add(after.k ?? 0)
        return "(\(key), \(seq)) \(ascending ? ">" : "<") (\(value), \(params.add(after.i)))"
    }

    /// What `matchPass` read: how many matches (up to `matchCountLimit + 1`) and the window or page (nil when not
    /// asked for).
    struct MatchPass {
        var count: Int
        var window: [(Int64, Double)]?
        var page: [PostgresRow]?
    }

    /// The matches of `filterSQL` in one pass: how many (up to `matchCountLimit + 1`) and, from the same rows, what
    /// the page would otherwise read again: for relevance the window `relevanceCandidates` reads (when
    /// `needsWindow`, below `top`), for a sort
    /// the page `search` reads, rows in its shape. When the count passes the limit the rows are only some of the
    /// matches (the first the index gave): the caller reads the page the usual way.
    private func matchPass(params: Parameters, filterSQL: String, sort: ListingSort, plan: SQLiteCatalogStore.SortPlan, ascending: Bool,
                           rank: String, top: Int64?, needsWindow: Bool, after: ListingCursor?, limit: Int, fromTextIndex: Bool)
        async throws -> MatchPass {
        var p = params
        let matches = "WITH m AS MATERIALIZED (SELECT l.seq\(sort == .relevance ? "" : ", \(plan.key)\(plan.integerKey ? "" : "::float8") AS k") "
            + "FROM listings l WHERE \(filterSQL) LIMIT \(matchCountLimit + 1))"
        if sort == .relevance {
            guard needsWindow else {
                return MatchPass(count: try await count("\(matches) SELECT count(*) FROM m", p.bindings, fromTextIndex: fromTextIndex))
            }
            let topParameter = p.add(top ?? 0)
            let rows = try await self.rows("""
                \(matches)
                SELECT c.n, w.seq, w.rank FROM (SELECT count(*) AS n FROM m) c LEFT JOIN LATERAL (
                    SELECT l.seq, \(rank) AS rank
                    FROM (SELECT m.seq FROM m WHERE m.seq <= \(topParameter) ORDER BY m.seq DESC LIMIT \(relevanceWindow)) x
                    JOIN listings l ON l.seq = x.seq
                ) w ON true ORDER BY w.seq DESC
                """, p.bindings, fromTextIndex: fromTextIndex)
            var pass = MatchPass(count: 0, window: [])
            for row in rows {
                let (count, seq, rank) = try row.decode((Int, Int64?, Double?).self)
                pass.count = count
                if let seq { pass.window?.append((seq, rank ?? 0)) }
            }
            return pass
        }
        let direction = ascending ? "ASC" : "DESC"
        let condition = Self.keysetCondition(key: "m.k", seq: "m.seq", plan: plan, ascending: ascending, after: after, params: &p)
        let keyset = condition.isEmpty ? "" : "WHERE \(condition)"
        let rows = try await self.rows("""
            \(matches)
            SELECT \(Self.summaryColumns), x.k AS sort_key, c.n FROM (SELECT count(*) AS n FROM m) c
            LEFT JOIN LATERAL (SELECT m.seq, m.k FROM m \(keyset) ORDER BY m.k \(direction), m.seq \(direction) LIMIT \(limit + 1)) x ON true
            LEFT JOIN listings l ON l.seq = x.seq LEFT JOIN accounts a ON a.id = l.seller_id
            ORDER BY x.k \(direction), x.seq \(direction)
            """, p.bindings, fromTextIndex: fromTextIndex)
        let count = try rows.first?.makeRandomAccess()["n"].decode(Int.self) ?? 0
        // With no match after the cursor the lateral join still gives the count's row, its listing columns null.
        return MatchPass(count: count, page: try rows.filter { try $0.makeRandomAccess()["seq"].decode(Int64?.self) != nil })
    }

    /// Summaries of `seqs`, in that order.
    private func summaries(ofSeqs seqs: [Int64]) async throws -> [ListingSummary] {
        guard !seqs.isEmpty else { return [] }
        var fetch = PostgresBindings()
        fetch.append(seqs)
        let fetched = try await database.rows(PostgresQuery(unsafeSQL: """
            SELECT \(Self.summaryColumns) FROM listings l JOIN accounts a ON a.id = l.seller_id WHERE l.seq = ANY($1)
            """, binds: fetch))
        var bySeq: [Int64: ListingSummary] = [:]
        for row in fetched { bySeq[try row.makeRandomAccess()[0].decode(Int64.self)] = try Self.summary(from: row) }
        return seqs.compactMap { bySeq[$0] }
    }

    /// Relevance pages reversed, as `SQLiteCatalogStore.reversedRelevancePage`: exactly `relevancePage`'s order read
    /// from the end. Phase 2 first (the matches older than the window, oldest first; only when the window is full),
    /// then phase 1 (the window, least relevant first, ties newest first). The cursor says which phase comes next.
    private func reversedRelevancePage(params: Parameters, filterSQL: String, rank: String, sparse: Bool, top: Int64, window: [(Int64, Double)]?,
                                       after: ListingCursor?, limit: Int, fingerprint: String) async throws -> (items: [ListingSummary], next: ListingCursor?) {
        let candidates = try await relevanceCandidates(readAlready: window, params: params, filterSQL: filterSQL, rank: rank, sparse: sparse, top: top)
        var items: [ListingSummary] = []
        var seqs: [Int64] = []
        let phase = after?.p ?? 2
        if phase == 2, candidates.count >= relevanceWindow, let oldest = candidates.last?.0 {
            var older = params
            let from = older.add(after?.i ?? 0)
            let below = older.add(oldest)
            let rows = try await database.rows(PostgresQuery(unsafeSQL: """
                SELECT \(Self.summaryColumns) FROM listings l JOIN accounts a ON a.id = l.seller_id
                WHERE \(filterSQL) AND l.seq > \(from) AND l.seq < \(below)
                ORDER BY l.seq ASC LIMIT \(limit + 1)
                """, binds: older.bindings))
            for row in rows {
                items.append(try Self.summary(from: row))
                seqs.append(try row.makeRandomAccess()[0].decode(Int64.self))
            }
            if items.count > limit {
                return (Array(items.prefix(limit)), ListingCursor(s: ListingSort.relevance.rawValue, k: nil, ki: nil, i: seqs[limit - 1],
                                                                  f: fingerprint, w: top, p: 2, r: true))
            }
        }
        let fromOlder = items.count
        // `relevancePage`'s order (rank descending, ties oldest first) turned around.
        let ranked = candidates.sorted { ($0.1, -$0.0) < ($1.1, -$1.0) }
        let offset = phase == 1 ? after?.o ?? 0 : 0
        let slice = Array(ranked.dropFirst(offset).prefix(limit + 1 - fromOlder)).map(\.0)
        items += try await summaries(ofSeqs: slice)
        seqs += slice
        if items.count > limit {
            return (Array(items.prefix(limit)), ListingCursor(s: ListingSort.relevance.rawValue, k: nil, ki: nil, i: seqs[limit - 1],
                                                              f: fingerprint, w: top, p: 1, o: offset + limit - fromOlder, r: true))
        }
        return (items, nil)
    }

    public func listing(slug: String) async throws -> Listing? {
        try await listing(slug: slug, draftOf: nil)
    }

    public func listing(slug: String, includingDraftOf sellerId: String) async throws -> Listing? {
        try await listing(slug: slug, draftOf: sellerId)
    }

    public func publishDraft(slug: String, sellerId: String, now: Date) async throws -> Bool {
        // Listed from now, as the SQLite engine does: a draft kept for weeks goes live as the newest listing.
        let time = StoredTime.encode(now)
        let changed = try await !database.rows("""
            UPDATE listings SET status = 'active', created_at = \(time), updated_at = \(time)
            WHERE slug = \(slug) AND seller_id = \(sellerId) AND status = 'draft' RETURNING 1
            """).isEmpty
        if changed { generation.bump() }
        return changed
    }

    private func listing(slug: String, draftOf sellerId: String?) async throws -> Listing? {
        guard let row = try await database.rows("""
            SELECT \(unescaped: Self.summaryColumns), l.description, l.manifest, l.assets, l.status, l.updated_at, l.history,
                   l.reserved_until, a.created_at,
                   (SELECT count(*) FROM listings s WHERE s.seller_id = l.seller_id AND s.status = 'active')
            FROM listings l JOIN accounts a ON a.id = l.seller_id
            WHERE l.slug = \(slug) AND l.status != 'withdrawn' AND (l.status != 'draft' OR l.seller_id = \(sellerId ?? ""))
            """).first else { return nil }
        var summary = try Self.summary(from: row)
        let cells = row.makeRandomAccess()
        let sellerSince: Int64 = try cells[24].decode(Int64.self)
        summary.seller.memberSince = StoredTime.decode(sellerSince) as Date
        summary.seller.listingsCount = try cells[25].decode(Int.self)
        let manifest = try JSONDecoder().decode(PackageManifest.self, from: Data(try cells[18].decode(String.self).utf8))
        let assets = try JSONDecoder().decode([BusinessAsset].self, from: Data(try cells[19].decode(String.self).utf8))
        let history = try (try cells[22].decode(String?.self)).map { try JSONDecoder().decode([MonthlyFigures].self, from: Data($0.utf8)) }
        return Listing(summary: summary, description: try cells[17].decode(String.self), package: manifest, assets: assets,
                       status: ListingStatus(rawValue: try cells[20].decode(String.self)) ?? .active,
                       updatedAt: StoredTime.decode(try cells[21].decode(Int64.self)), history: history,
                       reservedUntil: StoredTime.decode(try cells[23].decode(Int64?.self) as Int64?))
    }

    public func listingForSale(slug: String) async throws -> ListingForSale? {
        try await database.rows("SELECT id, slug, title, seller_id, currency, price, status FROM listings WHERE slug = \(slug)").first.map { row in
            let (id, slug, title, seller, currency, price, status) = try row.decode((String, String, String, String, String, Int64, String).self)
            return ListingForSale(id: id, slug: slug, title: title, sellerId: seller, askingPrice: Money(minorUnits: price, currency: Currency(code: currency)),
                                  status: ListingStatus(rawValue: status) ?? .withdrawn)
        }
    }

    public func categories() async throws -> [CategoryCount] {
        try await database.rows("""
            SELECT category, count(*) AS n FROM listings WHERE status = 'active' GROUP BY category ORDER BY n DESC, category COLLATE "C" ASC
            """).map { row in
            let (name, count) = try row.decode((String, Int).self)
            return CategoryCount(name: name, count: count)
        }
    }

    static func refuseNul(_ d: PublishListingRequest) throws {
        try PostgresDatabase.refuseNul([("title", d.title), ("tagline", d.tagline), ("description", d.description), ("category", d.category),
                                        ("techStack", d.techStack.joined(separator: " "))])
    }

    @discardableResult
    public func insert(_ listing: NewListing, now: Date) async throws -> String {
        try Self.refuseNul(listing.details)
        try PostgresDatabase.refuseNul([("slug", listing.slug)])
        let id = PlatformID.make("lst")
        let manifest = String(decoding: try JSONEncoder().encode(listing.storedManifest), as: UTF8.self)
        let assets = String(decoding: try JSONEncoder().encode(listing.assets), as: UTF8.self)
        let d = listing.details
        let history = ListingHistory.storedHistory(listing.history), sparkline = ListingHistory.storedSparkline(listing.history)
        let time = StoredTime.encode(now)
        let told: Int
        do {
            told = try await database.transaction { tx in
                try await tx.execute("""
                    INSERT INTO listings (id, slug, seller_id, title, tagline, description, category, currency, price, revenue, profit,
                        multiple, age_months, tech_stack, visitors, status, manifest, assets, created_at, updated_at, history, revenue_sparkline)
                    VALUES (\(id), \(listing.slug), \(listing.sellerId), \(d.title), \(d.tagline), \(d.description), \(d.category),
                        \(d.askingPrice.currency.code), \(d.askingPrice.minorUnits), \(d.monthlyRevenue.minorUnits), \(d.monthlyProfit.minorUnits),
                        \(SQLiteCatalogStore.multiple(d)), \(Int64(d.ageMonths)), \(SQLiteCatalogStore.techStackText(d.techStack)),
                        \(Int64(d.monthlyVisitors)), \(listing.status.rawValue), \(manifest), \(assets), \(time), \(time), \(history), \(sparkline))
                    """)
                return try await PostgresSavedSearchMatching.notifyMatches(tx, listingId: id, listing: listing, now: now)
            }
        } catch where PostgresDatabase.isUniqueViolation(error) {
            throw PlatformError.conflict("a listing with the slug `\(listing.slug)` already exists; choose another slug", field: "slug")
        }
        generation.bump()
        if told > 0 { rang() }
        return id
    }

    /// Inserts many listings in one transaction, as multi-row INSERTs of `batch` rows (the synthetic catalog at
    /// scale: one round trip per batch rather than per listing). `listings` pairs each with its creation time.
    /// Slugs must be new; a taken one fails the whole call. Returns how many were inserted.
    @discardableResult
    func insertMany(_ listings: [(listing: NewListing, createdAt: Date)], batch: Int = 500) async throws -> Int {
        guard !listings.isEmpty else { return 0 }
        let encoder = JSONEncoder()
        do {
            try await database.client.withTransaction(logger: database.logger) { connection in
                var start = 0
                while start < listings.count {
                    let rows = listings[start..<min(start + max(1, batch), listings.count)]
                    var parameters = Parameters()
                    var values: [String] = []
                    for (listing, createdAt) in rows {
                        try Self.refuseNul(listing.details)
                        let d = listing.details
                        let manifest = String(decoding: try encoder.encode(listing.storedManifest), as: UTF8.self)
                        let assets = String(decoding: try encoder.encode(listing.assets), as: UTF8.self)
                        let history = ListingHistory.storedHistory(listing.history), sparkline = ListingHistory.storedSparkline(listing.history)
                        let time = StoredTime.encode(createdAt)
                        var row = [parameters.add(PlatformID.make("lst")), parameters.add(listing.slug), parameters.add(listing.sellerId),
                                   parameters.add(d.title), parameters.add(d.tagline), parameters.add(d.description), parameters.add(d.category),
                                   parameters.add(d.askingPrice.currency.code), parameters.add(d.askingPrice.minorUnits),
                                   parameters.add(d.monthlyRevenue.minorUnits), parameters.add(d.monthlyProfit.minorUnits)]
                        row.append(parameters.add(SQLiteCatalogStore.multiple(d)))
                        row += [parameters.add(Int64(d.ageMonths)), parameters.add(SQLiteCatalogStore.techStackText(d.techStack)),
                                parameters.add(Int64(d.monthlyVisitors)), parameters.add(listing.status.rawValue), parameters.add(manifest),
                                parameters.add(assets), parameters.add(time), parameters.add(time)]
                        row.append(history.map { parameters.add($0) } ?? "NULL")
                        row.append(sparkline.map { parameters.add($0) } ?? "NULL")
                        values.append("(" + row.joined(separator: ", ") + ")")
                    }
                    let sql = """
                        INSERT INTO listings (id, slug, seller_id, title, tagline, description, category, currency, price, revenue, profit,
                            multiple, age_months, tech_stack, visitors, status, manifest, assets, created_at, updated_at, history, revenue_sparkline)
                        VALUES \(values.joined(separator: ",\n"))
                        """
                    for try await _ in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: parameters.bindings), logger: database.logger) {}
                    start += rows.count
                }
            }
        } catch let error as PlatformError {
            throw error
        } catch {
            throw PostgresEngineError.query(url: database.url, error)
        }
        generation.bump()
        return listings.count
    }

    /// How many listings `sellerId` has, in every status.
    func listingCount(sellerId: String) async throws -> Int {
        try await database.rows("SELECT count(*) FROM listings WHERE seller_id = \(sellerId)").first.map { try $0.decode(Int.self) } ?? 0
    }

    public func update(slug: String, sellerId: String, details: PublishListingRequest, manifest: PackageManifest?, assets: [BusinessAsset]?, now: Date) async throws -> Bool {
        try Self.refuseNul(details)
        // The seller API's history, else a new package's; neither keeps the listing's (COALESCE below).
        let history = details.history ?? manifest?.history
        let manifestText = try manifest.map { m -> String in
            var stored = m
            stored.history = nil
            return String(decoding: try JSONEncoder().encode(stored), as: UTF8.self)
        }
        let assetsText = try assets.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        let storedHistory = ListingHistory.storedHistory(history), storedSparkline = ListingHistory.storedSparkline(history)
        let d = details
        let (changed, told) = try await database.transaction { tx -> (Bool, Int) in
            // Every price change passes through here: the drop is found against the stored price, under the row's lock.
            let before = try await tx.rows("""
                SELECT id, price, currency, status FROM listings WHERE slug = \(slug) AND seller_id = \(sellerId) FOR UPDATE
                """).first.map { row -> (id: String, price: Int64, currency: String, status: String) in
                    let (id, price, currency, status) = try row.decode((String, Int64, String, String).self)
                    return (id, price, currency, status)
                }
            let changed = try await !tx.rows("""
                UPDATE listings SET title = \(d.title), tagline = \(d.tagline), description = \(d.description), category = \(d.category),
                    currency = \(d.askingPrice.currency.code), price = \(d.askingPrice.minorUnits), revenue = \(d.monthlyRevenue.minorUnits),
                    profit = \(d.monthlyProfit.minorUnits), multiple = \(SQLiteCatalogStore.multiple(d)), age_months = \(Int64(d.ageMonths)),
                    tech_stack = \(SQLiteCatalogStore.techStackText(d.techStack)), visitors = \(Int64(d.monthlyVisitors)),
                    manifest = COALESCE(\(manifestText), manifest), assets = COALESCE(\(assetsText), assets),
                    history = COALESCE(\(storedHistory), history), revenue_sparkline = COALESCE(\(storedSparkline), revenue_sparkline),
                    updated_at = \(StoredTime.encode(now))
                WHERE slug = \(slug) AND seller_id = \(sellerId) AND status != 'withdrawn'
                RETURNING 1
                """).isEmpty
            guard changed, let before, before.status != "withdrawn", before.currency == d.askingPrice.currency.code,
                  d.askingPrice.minorUnits < before.price else { return (changed, 0) }
            let old = Money(minorUnits: before.price, currency: d.askingPrice.currency)
            return (true, try await PostgresListingSale.toWatchers(tx, listingId: before.id, except: sellerId, .init(
                kind: .priceDrop, message: "Price drop: \(d.title) — \(old.formattedWhole) → \(d.askingPrice.formattedWhole)",
                listingSlug: slug, listingTitle: d.title, oldPrice: old, newPrice: d.askingPrice), now: now))
        }
        if changed { generation.bump() }
        if told > 0 { rang() }
        return changed
    }

    public func withdraw(slug: String, sellerId: String, now: Date) async throws -> Bool {
        let changed = try await !database.rows("""
            UPDATE listings SET status = 'withdrawn', updated_at = \(StoredTime.encode(now))
            WHERE slug = \(slug) AND seller_id = \(sellerId) AND status != 'withdrawn' RETURNING 1
            """).isEmpty
        if changed { generation.bump() }
        return changed
    }

    public func listings(sellerId: String) async throws -> [ExportedListing] {
        try await database.rows("""
            SELECT id, slug, title, tagline, description, category, currency, price, status, created_at, updated_at
            FROM listings WHERE seller_id = \(sellerId) ORDER BY created_at, seq
            """).map { row in
            let c = row.makeRandomAccess()
            return ExportedListing(
                id: try c[0].decode(String.self), slug: try c[1].decode(String.self), title: try c[2].decode(String.self),
                tagline: try c[3].decode(String.self), description: try c[4].decode(String.self), category: try c[5].decode(String.self),
                askingPrice: Money(minorUnits: try c[7].decode(Int64.self), currency: Currency(code: try c[6].decode(String.self))),
                status: ListingStatus(rawValue: try c[8].decode(String.self)) ?? .withdrawn,
                createdAt: StoredTime.decode(try c[9].decode(Int64.self)), updatedAt: StoredTime.decode(try c[10].decode(Int64.self)))
        }
    }

    public func activeListingCount() async throws -> Int {
        try await database.rows("SELECT count(*) FROM listings WHERE status = 'active'").first?.decode(Int.self) ?? 0
    }

    /// Reads `summaryColumns` by position (they come first in every query that selects them; 17 of them, so a
    /// query's own columns start at 17).
    static func summary(from row: PostgresRow) throws -> ListingSummary {
        let c = row.makeRandomAccess()
        let currency = Currency(code: try c[6].decode(String.self))
        return ListingSummary(
            id: try c[1].decode(String.self), slug: try c[2].decode(String.self), title: try c[3].decode(String.self),
            tagline: try c[4].decode(String.self), category: try c[5].decode(String.self),
            askingPrice: Money(minorUnits: try c[7].decode(Int64.self), currency: currency),
            monthlyRevenue: Money(minorUnits: try c[8].decode(Int64.self), currency: currency),
            monthlyProfit: Money(minorUnits: try c[9].decode(Int64.self), currency: currency),
            ageMonths: try c[10].decode(Int.self),
            techStack: SQLiteCatalogStore.techStack(fromStored: try c[11].decode(String.self)),
            monthlyVisitors: try c[12].decode(Int.self),
            seller: SellerSummary(id: try c[14].decode(String.self), displayName: try c[15].decode(String.self)),
            createdAt: StoredTime.decode(try c[13].decode(Int64.self)),
            revenueSparkline: ListingHistory.sparkline(fromStored: try c[16].decode(String?.self)))
    }
}
