import Foundation
import GRDB
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

/// What keeps search fast over a million listings: the ranking function, the bounded match count, and the
/// plan for sorted searches; each gives the same answers as the slow, exact way.
final class SearchScalingTests: XCTestCase {
    /// `listing_rank` with exact term shares is FTS5's `bm25()` with the catalog's weights, score for score.
    func testListingRankEqualsBM25WhenTheSampleCoversTheCatalog() async throws {
        let harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        let services = try harness.services()
        _ = try await SyntheticCatalog.fill(count: 400, services: services)
        let store = SQLiteCatalogStore(database: services.database)
        for text in ["invoice", "rapid tool", "sm", "clinics boo", "kit"] {
            let terms = FullTextQuery.terms(text)
            let match = terms.joined(separator: " ")
            let scores = try await services.database.pool.read { db -> [(Double, Double)] in
                let top = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM listings") ?? 0
                let shares = try SQLiteCatalogStore.termShares(db, terms: terms, below: top, cache: store.countCache,
                                                               generation: services.database.catalogGeneration.current)
                var arguments = StatementArguments(shares)
                _ = arguments.append(contentsOf: [match])
                return try Row.fetchAll(db, sql: """
                    SELECT listing_rank(listings_fts\(String(repeating: ", ?", count: shares.count))) AS ours,
                           bm25(listings_fts, 10.0, 6.0, 1.0, 3.0, 4.0) AS theirs
                    FROM listings_fts WHERE listings_fts MATCH ?
                    """, arguments: arguments).map { ($0["ours"], $0["theirs"]) }
            }
            XCTAssertFalse(scores.isEmpty, "\(text) matches something")
            for (ours, theirs) in scores {
                XCTAssertEqual(ours, theirs, accuracy: 1e-9 * max(1, abs(theirs)), text)
            }
        }
    }

    /// Past the count limit `total` is a lower bound, flagged, and the JSON says so; under it nothing changes.
    func testMatchCountStopsAtTheLimitAndSaysSo() async throws {
        let harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        let services = try harness.services()
        let seller = try await CatalogFixtures.seller(services)
        for n in 0..<8 {
            try await CatalogFixtures.list(services, slug: "garden-\(n)", seller: seller,
                                           CatalogFixtures.details(title: n < 2 ? "Garden Rare \(n)" : "Garden Shop \(n)"))
        }
        let store = SQLiteCatalogStore(database: services.database, relevanceWindow: 3, matchCountLimit: 5)
        let broad = try await store.search(ListingQuery(q: "garden", limit: 3))
        XCTAssertEqual(broad.total, 5)
        XCTAssertTrue(broad.totalIsLowerBound)
        XCTAssertEqual(broad.totalText, "5+")
        let json = String(decoding: try WireJSON.encode(broad), as: UTF8.self)
        XCTAssertTrue(json.contains("\"totalIsLowerBound\":true"), json)
        XCTAssertEqual(try WireJSON.decode(ListingPage.self, from: Data(json.utf8)), broad)

        // Every match is still served, page after page, however many were counted.
        var slugs: [String] = []
        var cursor: String?
        repeat {
            let page = try await store.search(ListingQuery(q: "garden", cursor: cursor, limit: 3))
            slugs += page.items.map(\.slug)
            cursor = page.nextCursor
        } while cursor != nil
        XCTAssertEqual(Set(slugs).count, 8)
        XCTAssertEqual(slugs.count, 8)

        let narrow = try await store.search(ListingQuery(q: "rare", limit: 3))
        XCTAssertEqual(narrow.total, 2)
        XCTAssertFalse(narrow.totalIsLowerBound)
        let narrowJSON = String(decoding: try WireJSON.encode(narrow), as: UTF8.self)
        XCTAssertFalse(narrowJSON.contains("totalIsLowerBound"), "absent when exact")
        let wholeWindow = try await SQLiteCatalogStore(database: services.database, matchCountLimit: 5).search(ListingQuery(q: "garden", limit: 3))
        XCTAssertEqual(wholeWindow.total, 8, "a ranking window that held every match has counted them exactly")
        XCTAssertFalse(wholeWindow.totalIsLowerBound)
        let browse = try await store.search(ListingQuery(limit: 3))
        XCTAssertEqual(browse.total, 8, "plain browsing is always counted exactly")
        XCTAssertFalse(browse.totalIsLowerBound)
        let filtered = try await store.search(ListingQuery(category: "Productivity", limit: 3))
        XCTAssertEqual(filtered.total, 5, "filters are counted up to the limit too")
        XCTAssertTrue(filtered.totalIsLowerBound)
    }

    /// A sorted search over a term most listings contain walks the sort's index and checks each listing; a sparse
    /// one collects its matches first. Both serve exactly the matches, in order, page after page.
    func testSortedSearchesServeEveryMatchInOrderWhetherDenseOrSparse() async throws {
        let harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        let services = try harness.services()
        let seller = try await CatalogFixtures.seller(services)
        for n in 0..<60 {
            // "Shop" is in every title (dense); "Rare" in every tenth (sparse).
            let title = n % 10 == 0 ? "Rare Shop \(n)" : "Shop \(n)"
            try await CatalogFixtures.list(services, slug: "shop-\(n)", seller: seller,
                                           CatalogFixtures.details(title: title, price: Int64((n * 7919) % 100 + 1) * 100_00))
        }
        let limited = SQLiteCatalogStore(database: services.database, matchCountLimit: 5)
        // With the limit of 5, "shop" is dense and "rare" in between; the exact store reads "rare"'s six directly.
        for (text, expected) in [("shop", 60), ("rare", 6), ("nowhere", 0)] {
            for sort in [ListingSort.priceAsc, .priceDesc, .newest] {
                var served: [ListingSummary] = []
                var cursor: String?
                repeat {
                    let page = try await limited.search(ListingQuery(q: text, sort: sort, cursor: cursor, limit: 7))
                    served += page.items
                    cursor = page.nextCursor
                } while cursor != nil
                XCTAssertEqual(served.count, expected, "\(text) \(sort)")
                XCTAssertEqual(Set(served.map(\.id)).count, expected, "\(text) \(sort): nothing twice")
                let exact = try await services.catalog.search(ListingQuery(q: text, sort: sort, limit: 100))
                XCTAssertEqual(served.map(\.id), exact.items.map(\.id), "\(text) \(sort): the same order as the exact plan")
            }
        }
    }

    /// Price-filtered counts come from the catalog's sorted prices in memory once asked for often enough under one
    /// catalog generation; they are SQL's counts exactly (and "at least" past the limit, as SQL's), before and after
    /// the catalog changes.
    func testPriceCountsHeldInMemoryAreTheSQLCounts() async throws {
        let harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        let services = try harness.services()
        let seller = try await CatalogFixtures.seller(services)
        for n in 0..<150 {
            try await CatalogFixtures.list(services, slug: "p-\(n)", seller: seller,
                                           CatalogFixtures.details(title: "Priced \(n)", price: Int64((n * 7919) % 97 + 1) * 100_00))
        }
        let sql = SQLiteCatalogStore(database: services.database, matchCountLimit: 1_000_000, priceIndexAfter: Int.max)
        let memory = SQLiteCatalogStore(database: services.database, matchCountLimit: 1_000_000, priceIndexAfter: 3)
        let limitedSQL = SQLiteCatalogStore(database: services.database, matchCountLimit: 40, priceIndexAfter: Int.max)
        let limitedMemory = SQLiteCatalogStore(database: services.database, matchCountLimit: 40, priceIndexAfter: 1)
        var generator = SplitMix64(seed: 42)
        for round in 0..<3 {
            for _ in 0..<80 {
                let low = generator.next() % 3 == 0 ? nil : Int64(generator.next() % 100) * 100_00
                let high = generator.next() % 3 == 0 ? nil : (low ?? 0) + Int64(generator.next() % 60) * 100_00
                if low == nil && high == nil { continue }
                let query = ListingQuery(minPrice: low, maxPrice: high, limit: 5)
                let expected = try await sql.search(query), held = try await memory.search(query)
                XCTAssertEqual(held.total, expected.total, "round \(round): \(String(describing: low))…\(String(describing: high))")
                XCTAssertEqual(held.totalIsLowerBound, expected.totalIsLowerBound)
                XCTAssertEqual(held.items.map(\.id), expected.items.map(\.id))
                let limited = try await limitedMemory.search(query), limitedExpected = try await limitedSQL.search(query)
                XCTAssertEqual(limited.total, limitedExpected.total)
                XCTAssertEqual(limited.totalIsLowerBound, limitedExpected.totalIsLowerBound)
            }
            let active = try await services.catalog.activeListingCount()
            XCTAssertEqual(memory.priceIndex.heldPrices, active, "round \(round): the prices are held, every active listing's")
            XCTAssertNil(sql.priceIndex.heldPrices)
            // The catalog changes: one listing withdrawn, one added; the held prices are for the old catalog.
            _ = try await services.catalog.withdraw(slug: "p-\(round)", sellerId: seller.id, now: services.clock.now())
            try await CatalogFixtures.list(services, slug: "q-\(round)", seller: seller, CatalogFixtures.details(title: "New \(round)", price: 5_000_00))
        }
    }
}
