import Foundation
import PostgresNIO
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

/// The PostgreSQL store reads rare matches through the full-text index and counts through it, and ranks only its
/// relevance window; none of that may change a result. Every page of every sort is compared with the plain query
/// shape (every match in one ORDER BY, the window ranked in the test), for words that match fewer listings than the
/// count limit (the index path) and more (the planner's own), with and without a filter.
final class PostgresSearchPlanTests: XCTestCase {
    func testPagesAndCountsAreThoseOfThePlainQueryShapeForRareAndCommonWords() async throws {
        if PostgresTestServer.isOptedOut { return }
        let limit = Self.countLimit
        try await withSmallCatalog { catalog, postgres, seller, base in
            for n in 0..<40 {
                // "alpha" in 20 listings (past the count limit), "rare" in 4, weighted differently (title, tagline,
                // description only) so ranks differ, with ties of time and price.
                var title = "Item \(n)"
                if n % 2 == 0 { title += n % 3 == 0 ? " alpha alpha" : " alpha" }
                let tagline = n % 10 == 1 ? "a rare tool" : (n % 10 == 7 ? "plain" : "alpha tagline")
                let extra = n % 10 == 3 ? " rare" : ""
                try await catalog.insert(NewListing(slug: "item-\(n)", sellerId: seller.id,
                                                    details: CatalogFixtures.details(title: title + extra, category: n % 3 == 0 ? "Media" : "Productivity",
                                                                                     price: 1_000_00 + Int64(n % 4) * 100_00,
                                                                                     revenue: 50_00 + Int64(n % 5) * 10_00, tagline: tagline),
                                                    manifest: CatalogFixtures.manifest(slug: "item-\(n)"), assets: []),
                                         now: base.addingTimeInterval(Double(n / 2)))
            }
            for q in ["alpha", "alp", "rare", "alpha rare", "ALPHA tag"] {
                for category in [nil, "Media"] {
                    let tsQuery = try XCTUnwrap(PostgresCatalogStore.tsQuery(q))
                    let categorySQL = category.map { "AND l.category = '\($0)'" } ?? ""
                    let matches = try await postgres.rows(PostgresQuery(unsafeSQL: """
                        SELECT l.slug, l.seq, ts_rank(l.search, to_tsquery('simple', techflunky_unaccent($1)))::float8 FROM listings l
                        WHERE l.status = 'active' AND l.search @@ to_tsquery('simple', techflunky_unaccent($1)) \(categorySQL)
                        ORDER BY l.seq DESC
                        """, binds: { var b = PostgresBindings(); b.append(tsQuery); return b }())).map { try $0.decode((String, Int64, Double).self) }
                    XCTAssertFalse(matches.isEmpty, "q=\(q) category=\(category ?? "-") matches something (no typo fallback here)")
                    for sort in ListingSort.allCases {
                        let expected = try await plainOrder(postgres, sort: sort, matches: matches, binds: {
                            var b = PostgresBindings(); b.append(tsQuery); return b }(),
                            condition: "l.search @@ to_tsquery('simple', techflunky_unaccent($1)) \(categorySQL)")
                        try await assertEveryPage(of: catalog, q: q, category: category, sort: sort, expected: expected,
                                                  matches: matches.count, countLimit: limit)
                    }
                }
            }
        }
    }
    /// Typo matches (no listing has every word: pg_trgm's word similarity) are counted and paged in one pass when
    /// there are no more of them than the count limit, and the usual way past it: both give every page of every
    /// sort, both directions, exactly as the plain query shape does, with and without a filter.
    func testTypoPagesAndCountsAreThoseOfThePlainQueryShapeBelowAndPastTheCountLimit() async throws {
        if PostgresTestServer.isOptedOut { return }
        let limit = Self.countLimit
        try await withSmallCatalog { catalog, postgres, seller, base in
            for n in 0..<40 {
                // "Tracker" in 20 titles (past the count limit), "Scheduler" in 6 (below it), spelt so that word
                // similarity differs; ties of time and price.
                let title = n % 2 == 0 ? (n % 4 == 0 ? "Tracker \(n)" : "Trackers hub \(n)")
                    : (n % 7 == 1 ? (n % 3 == 0 ? "Scheduler \(n)" : "Schedulers pro \(n)") : "Widget \(n)")
                try await catalog.insert(NewListing(slug: "item-\(n)", sellerId: seller.id,
                                                    details: CatalogFixtures.details(title: title, category: n % 3 == 0 ? "Media" : "Productivity",
                                                                                     price: 1_000_00 + Int64(n % 4) * 100_00,
                                                                                     revenue: 50_00 + Int64(n % 5) * 10_00, tagline: "plain"),
                                                    manifest: CatalogFixtures.manifest(slug: "item-\(n)"), assets: []),
                                         now: base.addingTimeInterval(Double(n / 2)))
            }
            var sawBelow = false, sawPast = false
            for q in ["trackr", "schedulr", "SCHEDULRS pro", "trackrs hub"] {
                for category in [nil, "Media"] {
                    let categorySQL = category.map { "AND l.category = '\($0)'" } ?? ""
                    let words = q.lowercased()
                    let binds = { var b = PostgresBindings(); b.append(words); return b }()
                    let document = PostgresCatalogStore.typoDocument
                    var exactBinds = PostgresBindings()
                    exactBinds.append(try XCTUnwrap(PostgresCatalogStore.tsQuery(q)))
                    let exact = try await postgres.rows(PostgresQuery(unsafeSQL: """
                        SELECT 1 FROM listings l WHERE l.search @@ to_tsquery('simple', techflunky_unaccent($1))
                        """, binds: exactBinds))
                    XCTAssertTrue(exact.isEmpty, "q=\(q) has no exact match")
                    let matches = try await postgres.rows(PostgresQuery(unsafeSQL: """
                        SELECT l.slug, l.seq, word_similarity(techflunky_unaccent($1), \(document))::float8 FROM listings l
                        WHERE l.status = 'active' AND \(document) %> techflunky_unaccent($1) \(categorySQL)
                        ORDER BY l.seq DESC
                        """, binds: binds)).map { try $0.decode((String, Int64, Double).self) }
                    // Under a filter a typo search may match nothing at all ("schedulrs pro" in Media): pages empty, total 0.
                    if category == nil { XCTAssertFalse(matches.isEmpty, "q=\(q) matches something by similarity") }
                    if matches.count > limit { sawPast = true } else { sawBelow = true }
                    for sort in ListingSort.allCases {
                        let expected = try await plainOrder(postgres, sort: sort, matches: matches, binds: binds,
                                                            condition: "\(document) %> techflunky_unaccent($1) \(categorySQL)")
                        try await assertEveryPage(of: catalog, q: q, category: category, sort: sort, expected: expected,
                                                  matches: matches.count, countLimit: limit)
                    }
                }
            }
            XCTAssertTrue(sawBelow && sawPast, "typo searches both below and past the count limit")
        }
    }

    /// The count limit and relevance window of the catalogs these tests search: small, so 40 listings cross both.
    static let countLimit = 8, window = 5

    /// `body` on a fresh PostgreSQL catalog with those limits, with a seller and the time to list from; the database is
    /// closed after it.
    private func withSmallCatalog(_ body: (PostgresCatalogStore, TechFlunkyPlatform.PostgresDatabase, Account, Date) async throws -> Void) async throws {
        let harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        let postgres = try await PostgresTestServer.freshDatabase(logger: harness.configuration.logger)
        let services = try harness.services(on: postgres, sqlite: try PlatformDatabase(path: harness.configuration.dbPath))
        let catalog = PostgresCatalogStore(database: postgres, generation: services.catalogGeneration, relevanceWindow: Self.window,
                                           matchCountLimit: Self.countLimit)
        do {
            try await body(catalog, postgres, try await CatalogFixtures.seller(services), services.clock.now())
        } catch {
            await postgres.close()
            throw error
        }
        await postgres.close()
    }

    /// The plain query shape's order for `sort` over the listings matching `condition` (`$1` from `binds`): for relevance,
    /// `matches` (newest first, with their rank) ranked as the store ranks its window; any other sort in one ORDER BY.
    private func plainOrder(_ postgres: TechFlunkyPlatform.PostgresDatabase, sort: ListingSort, matches: [(String, Int64, Double)],
                            binds: PostgresBindings, condition: String) async throws -> [String] {
        if sort == .relevance {
            let ranked = matches.prefix(Self.window).sorted { ($0.2, -$0.1) > ($1.2, -$1.1) }
            return ranked.map(\.0) + matches.dropFirst(Self.window).map(\.0)
        }
        let plan = SQLiteCatalogStore.plan(for: sort)
        let direction = plan.ascending ? "ASC" : "DESC"
        return try await postgres.rows(PostgresQuery(unsafeSQL: """
            SELECT l.slug FROM listings l
            WHERE l.status = 'active' AND \(condition)
            ORDER BY \(plan.key) \(direction), l.seq \(direction)
            """, binds: binds)).map { try $0.decode(String.self) }
    }

    /// Every page (3 rows each) of the search, in both directions, is `expected` (the plain query's order) read
    /// forwards or backwards, and the first page counts the matches up to `countLimit`.
    private func assertEveryPage(of catalog: PostgresCatalogStore, q: String, category: String?, sort: ListingSort, expected: [String],
                                 matches: Int, countLimit limit: Int, file: StaticString = #filePath, line: UInt = #line) async throws {
        for reverse in [false, true] {
            let label = "q=\(q) category=\(category ?? "-") sort=\(sort.rawValue) reverse=\(reverse)"
            var seen: [String] = []
            var cursor: String?
            var first: ListingPage?
            var pages = 0
            repeat {
                let page = try await catalog.search(ListingQuery(q: q, category: category, sort: sort, reverse: reverse, cursor: cursor, limit: 3))
                if first == nil { first = page }
                seen += page.items.map(\.slug)
                cursor = page.nextCursor
                pages += 1
            } while cursor != nil && pages < 50
            XCTAssertEqual(seen, reverse ? expected.reversed() : expected, label, file: file, line: line)
            XCTAssertEqual(first?.total, min(matches, limit), label, file: file, line: line)
            XCTAssertEqual(first?.totalIsLowerBound, matches > limit, label, file: file, line: line)
        }
    }
}
