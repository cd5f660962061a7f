import Foundation
import GRDB
import TechFlunkyCore

/// `CatalogStore` on SQLite: listings in a table with one index per sort (each ending in the row sequence,
/// so keyset pages are index range scans), and an external-content FTS5 index kept in step by triggers.
public struct SQLiteCatalogStore: CatalogStore {
    let database: PlatformDatabase
    /// Stored in `multiple` when there is no profit, so such listings sort last without NULL handling.
    static let noMultiple = 1e15

    public init(database: PlatformDatabase) { self.database = database }

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
        // bm25 is lower for better matches; weights favour title, then tagline and tech stack.
        case .relevance: SortPlan(key: "bm25(listings_fts, 10.0, 6.0, 1.0, 3.0, 4.0)", ascending: true, integerKey: false)
        }
    }

    static let summaryColumns = """
        l.seq, l.id, l.slug, l.title, l.tagline, l.category, l.currency, l.price, l.revenue, l.profit, l.age_months,
        l.tech_stack, l.visitors, l.created_at, l.seller_id, a.display_name AS seller_name
        """

    public func search(_ query: ListingQuery) async throws -> ListingPage {
        let match = FullTextQuery.make(query.q)
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
            guard cursor.f == fingerprint, cursor.s == sort.rawValue else {
                throw PlatformError.badRequest("the cursor belongs to another search; start again without it", field: "cursor")
            }
            after = cursor
        }
        let plan = Self.plan(for: sort)

        var filters = ["l.status = 'active'"]
        var arguments = StatementArguments()
        if let category = query.category, !category.isEmpty {
            filters.append("l.category = ?")
            _ = arguments.append(contentsOf: [category])
        }
        if let minPrice = query.minPrice {
            filters.append("l.price >= ?")
            _ = arguments.append(contentsOf: [minPrice])
        }
        if let maxPrice = query.maxPrice {
            filters.append("l.price <= ?")
            _ = arguments.append(contentsOf: [maxPrice])
        }

        let comparison = plan.ascending ? ">" : "<"
        let direction = plan.ascending ? "ASC" : "DESC"
        let pageSQL: String
        let countSQL: String
        var pageArguments = StatementArguments()
        var countArguments = StatementArguments()
        if let match {
            if sort == .relevance {
                // Scores exist only inside the FTS query, so the keyset condition applies to the scored subquery.
                let inner = """
                    SELECT \(Self.summaryColumns), \(plan.key) AS sort_key
                    FROM listings_fts JOIN listings l ON l.seq = listings_fts.rowid JOIN accounts a ON a.id = l.seller_id
                    WHERE listings_fts MATCH ? AND \(filters.joined(separator: " AND "))
                    """
                pageSQL = "SELECT * FROM (\(inner)) \(after != nil ? "WHERE (sort_key, seq) > (?, ?)" : "") ORDER BY sort_key ASC, seq ASC LIMIT ?"
            } else {
                pageSQL = """
                    SELECT \(Self.summaryColumns), \(plan.key) AS sort_key
                    FROM listings l JOIN accounts a ON a.id = l.seller_id
                    WHERE l.seq IN (SELECT rowid FROM listings_fts WHERE listings_fts MATCH ?) AND \(filters.joined(separator: " AND "))
                    \(after != nil ? "AND (\(plan.key), l.seq) \(comparison) (?, ?)" : "")
                    ORDER BY \(plan.key) \(direction), l.seq \(direction) LIMIT ?
                    """
            }
            countSQL = """
                SELECT count(*) FROM listings l WHERE l.seq IN (SELECT rowid FROM listings_fts WHERE listings_fts MATCH ?)
                AND \(filters.joined(separator: " AND "))
                """
            _ = pageArguments.append(contentsOf: [match])
            _ = countArguments.append(contentsOf: [match])
        } else {
            pageSQL = """
                SELECT \(Self.summaryColumns), \(plan.key) AS sort_key
                FROM listings l JOIN accounts a ON a.id = l.seller_id
                WHERE \(filters.joined(separator: " AND "))
                \(after != nil ? "AND (\(plan.key), l.seq) \(comparison) (?, ?)" : "")
                ORDER BY \(plan.key) \(direction), l.seq \(direction) LIMIT ?
                """
            countSQL = "SELECT count(*) FROM listings l WHERE \(filters.joined(separator: " AND "))"
        }
        _ = pageArguments.append(contentsOf: arguments)
        _ = countArguments.append(contentsOf: arguments)
        if let after {
            if plan.integerKey { _ = pageArguments.append(contentsOf: [after.ki ?? 0, after.i]) }
            else { _ = pageArguments.append(contentsOf: [after.k ?? 0, after.i]) }
        }
        _ = pageArguments.append(contentsOf: [limit + 1])

        let finalSort = sort
        let finalPageArguments = pageArguments
        let finalCountArguments = countArguments
        return try await database.pool.read { db in
            let rows = try Row.fetchAll(db, sql: pageSQL, arguments: finalPageArguments)
            let total = try Int.fetchOne(db, sql: countSQL, arguments: finalCountArguments) ?? 0
            let page = rows.prefix(limit)
            var next: String?
            if rows.count > limit, let last = page.last {
                var cursor = ListingCursor(s: finalSort.rawValue, k: nil, ki: nil, i: last["seq"], f: fingerprint)
                if plan.integerKey { cursor.ki = last["sort_key"] } else { cursor.k = last["sort_key"] }
                next = cursor.encoded()
            }
            return ListingPage(items: page.map(Self.summary(from:)), nextCursor: next, total: total)
        }
    }

    public func listing(slug: String) async throws -> Listing? {
        try await database.pool.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT \(Self.summaryColumns), l.description, l.manifest, l.assets, l.status, l.updated_at,
                       a.created_at AS seller_since,
                       (SELECT count(*) FROM listings s WHERE s.seller_id = l.seller_id AND s.status = 'active') AS seller_listings
                FROM listings l JOIN accounts a ON a.id = l.seller_id
                WHERE l.slug = ? AND l.status != 'withdrawn'
                """, arguments: [slug]) else { return nil }
            var summary = Self.summary(from: row)
            let since: Int64 = row["seller_since"]
            summary.seller.memberSince = StoredTime.decode(since)
            summary.seller.listingsCount = row["seller_listings"]
            let manifest = try JSONDecoder().decode(PackageManifest.self, from: Data((row["manifest"] as String).utf8))
            let assets = try JSONDecoder().decode([BusinessAsset].self, from: Data((row["assets"] as String).utf8))
            return Listing(summary: summary, description: row["description"], package: manifest, assets: assets,
                           status: ListingStatus(rawValue: row["status"]) ?? .active, updatedAt: StoredTime.decode(row["updated_at"] as Int64))
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
        let manifest = String(decoding: try JSONEncoder().encode(listing.manifest), as: UTF8.self)
        let assets = String(decoding: try JSONEncoder().encode(listing.assets), as: UTF8.self)
        do {
            try await database.pool.write { db in
                try Self.insertStatement(db).execute(arguments: Self.arguments(id: id, listing: listing, manifest: manifest, assets: assets, now: now))
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw PlatformError.conflict("a listing with the slug `\(listing.slug)` already exists; choose another slug", field: "slug")
        }
        return id
    }

    public func update(slug: String, sellerId: String, details: PublishListingRequest, manifest: PackageManifest?, assets: [BusinessAsset]?, now: Date) async throws -> Bool {
        let manifestText = try manifest.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        let assetsText = try assets.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        return try await database.pool.write { db in
            try db.execute(sql: """
                UPDATE listings SET title = ?, tagline = ?, description = ?, category = ?, currency = ?, price = ?, revenue = ?,
                    profit = ?, multiple = ?, age_months = ?, tech_stack = ?, visitors = ?,
                    manifest = COALESCE(?, manifest), assets = COALESCE(?, assets), updated_at = ?
                WHERE slug = ? AND seller_id = ? AND status != 'withdrawn'
                """, arguments: [
                    details.title, details.tagline, details.description, details.category, details.askingPrice.currency.code,
                    details.askingPrice.minorUnits, details.monthlyRevenue.minorUnits, details.monthlyProfit.minorUnits,
                    Self.multiple(details), details.ageMonths, Self.techStackText(details.techStack), details.monthlyVisitors,
                    manifestText, assetsText, StoredTime.encode(now), slug, sellerId,
                ])
            return db.changesCount > 0
        }
    }

    public func withdraw(slug: String, sellerId: String, now: Date) async throws -> Bool {
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE listings SET status = 'withdrawn', updated_at = ? WHERE slug = ? AND seller_id = ? AND status != 'withdrawn'",
                           arguments: [StoredTime.encode(now), slug, sellerId])
            return db.changesCount > 0
        }
    }

    public func activeListingCount() async throws -> Int {
        try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM listings WHERE status = 'active'") ?? 0 }
    }

    // MARK: Rows

    static func insertStatement(_ db: Database) throws -> Statement {
        try db.cachedStatement(sql: """
            INSERT INTO listings (id, slug, seller_id, title, tagline, description, category, currency, price, revenue, profit,
                multiple, age_months, tech_stack, visitors, status, manifest, assets, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?)
            """)
    }

    static func arguments(id: String, listing: NewListing, manifest: String, assets: String, now: Date) -> StatementArguments {
        let d = listing.details
        let time = StoredTime.encode(now)
        return [id, listing.slug, listing.sellerId, d.title, d.tagline, d.description, d.category, d.askingPrice.currency.code,
                d.askingPrice.minorUnits, d.monthlyRevenue.minorUnits, d.monthlyProfit.minorUnits, multiple(d), d.ageMonths,
                techStackText(d.techStack), d.monthlyVisitors, manifest, assets, time, time]
    }

    /// A JSON array: exact on the way back, and FTS5's tokenizer ignores the brackets and quotes.
    static func techStackText(_ stack: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(stack)) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func multiple(_ d: PublishListingRequest) -> Double {
        guard d.monthlyProfit.minorUnits > 0 else { return noMultiple }
        return Double(d.askingPrice.minorUnits) / Double(d.monthlyProfit.minorUnits * 12)
    }

    static func summary(from row: Row) -> ListingSummary {
        let currency = Currency(code: row["currency"])
        let stack: String = row["tech_stack"]
        return ListingSummary(
            id: row["id"], slug: row["slug"], title: row["title"], tagline: row["tagline"], category: row["category"],
            askingPrice: Money(minorUnits: row["price"], currency: currency),
            monthlyRevenue: Money(minorUnits: row["revenue"], currency: currency),
            monthlyProfit: Money(minorUnits: row["profit"], currency: currency),
            ageMonths: row["age_months"],
            techStack: (try? JSONDecoder().decode([String].self, from: Data(stack.utf8))) ?? [],
            monthlyVisitors: row["visitors"],
            seller: SellerSummary(id: row["seller_id"], displayName: row["seller_name"]),
            createdAt: StoredTime.decode(row["created_at"] as Int64))
    }
}
