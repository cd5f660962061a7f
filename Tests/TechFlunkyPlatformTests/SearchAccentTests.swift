import Foundation
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

/// Search ignores accents on both engines (SQLite's FTS5 `remove_diacritics 2`, PostgreSQL's `pg_v9_search_unaccent`):
/// `café`, `cafe` and `CAFÉ` are one word, in the title, the tagline and the description alike, with the same
/// ranking, paging and counts whichever way the word is typed.
final class SearchAccentTests: XCTestCase {
    private func fill(_ services: PlatformServices) async throws {
        let seller = try await CatalogFixtures.seller(services)
        let base = services.clock.now()
        let listings: [(slug: String, title: String, tagline: String, price: Int64)] = [
            ("cafe-finder", "Café Finder", "Maps for coffee lovers", 3_000_00),
            ("cafe-planner", "Cafe Planner", "Shifts for small shops", 1_000_00),
            ("roastery", "Roastery Ledger", "Books for a CAFÉ or a roaster", 2_000_00),
            ("naive-notes", "Naïve Notes", "Plain text notes", 4_000_00),
            ("tea-timer", "Tea Timer", "Steeping, timed", 5_000_00),
            ("cafe-crowd", "Crowd Meter", "How full is the café right now", 6_000_00),
        ]
        for (n, l) in listings.enumerated() {
            try await services.catalog.insert(NewListing(slug: l.slug, sellerId: seller.id,
                                                         details: CatalogFixtures.details(title: l.title, price: l.price, tagline: l.tagline),
                                                         manifest: CatalogFixtures.manifest(slug: l.slug), assets: []),
                                              now: base.addingTimeInterval(Double(n)))
        }
    }

    /// Every page of `query`, `limit` at a time, with the first page's total.
    private func all(_ catalog: any CatalogStore, _ query: ListingQuery, limit: Int) async throws -> (slugs: [String], total: Int, lowerBound: Bool) {
        var seen: [String] = []
        var cursor: String?
        var first: ListingPage?
        var pages = 0
        repeat {
            var q = query
            q.cursor = cursor
            q.limit = limit
            let page = try await catalog.search(q)
            if first == nil { first = page }
            seen += page.items.map(\.slug)
            cursor = page.nextCursor
            pages += 1
        } while cursor != nil && pages < 50
        return (seen, first?.total ?? -1, first?.totalIsLowerBound ?? true)
    }

    func testAccentedAndPlainWordsFindTheSameListingsInTheSameOrder() async throws {
        try await forEachEngine { _, services, engine in
            try await fill(services)
            let cafe: Set = ["cafe-finder", "cafe-planner", "roastery", "cafe-crowd"]
            for sort in [ListingSort.relevance, .newest, .priceAsc] {
                for reverse in [false, true] {
                    var expected: (slugs: [String], total: Int, lowerBound: Bool)?
                    for typed in ["cafe", "café", "CAFÉ", "Cafe", "cafè"] {
                        let label = "[\(engine.rawValue)] q=\(typed) sort=\(sort.rawValue) reverse=\(reverse)"
                        let result = try await all(services.catalog, ListingQuery(q: typed, sort: sort, reverse: reverse), limit: 2)
                        XCTAssertEqual(Set(result.slugs), cafe, label)
                        XCTAssertEqual(result.slugs.count, cafe.count, "\(label): no listing twice")
                        XCTAssertEqual(result.total, cafe.count, label)
                        XCTAssertFalse(result.lowerBound, label)
                        if let expected {
                            XCTAssertEqual(result.slugs, expected.slugs, "\(label): the same order as q=cafe")
                        } else {
                            expected = result
                        }
                    }
                }
            }
            // A title match outranks a tagline-only one, however the word is typed.
            let ranked = try await services.catalog.search(ListingQuery(q: "CAFÉ", sort: .relevance, limit: 10)).items.map(\.slug)
            XCTAssertEqual(Set(ranked.prefix(2)), ["cafe-finder", "cafe-planner"], "[\(engine.rawValue)] \(ranked)")
            // Accents in the listing and none in the words, and prefixes too.
            for typed in ["naive", "NAÏV", "naïve notes"] {
                let found = try await services.catalog.search(ListingQuery(q: typed)).items.map(\.slug)
                XCTAssertEqual(found, ["naive-notes"], "[\(engine.rawValue)] q=\(typed)")
            }
        }
    }

    /// PostgreSQL's typo fallback (pg_trgm) folds accents too: a misspelt, differently accented title still finds it.
    func testTypoFallbackIgnoresAccentsOnPostgres() async throws {
        try await forEachEngine { _, services, engine in
            guard engine == .postgres else { return }
            try await fill(services)
            let found = try await services.catalog.search(ListingQuery(q: "cafè findr")).items.map(\.slug)
            XCTAssertEqual(found.first, "cafe-finder", "\(found)")
            let plain = try await services.catalog.search(ListingQuery(q: "CAFE FINDR")).items.map(\.slug)
            XCTAssertEqual(plain, found)
        }
    }
}
