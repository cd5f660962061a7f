import Foundation
import Synchronization
import GRDB
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

/// Sorted full-text searches answered from the held sort keys (`ListingSortKeyIndex`, `collectedPage`) are the plain
/// SQL plans' answers, page by page: the same listings in the same order, the same cursors, the same totals.
final class SortedSearchExactnessTests: XCTestCase {
    func testHeldSortKeysServeTheSQLPlansPagesForEverySortDirectionAndFilter() async throws {
        let harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        let services = try harness.services()
        _ = try await SyntheticCatalog.fill(count: 2_500, services: services)
        // Ties on every sort key (the sequence breaks them), and listings that left the catalog (and its index).
        try await services.database.pool.write { db in
            try db.execute(sql: "UPDATE listings SET price = 1234500, revenue = 1000, profit = 500, multiple = 200.5 WHERE seq % 7 = 0")
            try db.execute(sql: "UPDATE listings SET created_at = (SELECT min(created_at) FROM listings) WHERE seq % 5 = 0")
            try db.execute(sql: "UPDATE listings SET status = 'withdrawn' WHERE seq % 11 = 0")
        }
        let plain = SQLiteCatalogStore(database: services.database, sortKeyIndexAfter: .max)
        let held = SQLiteCatalogStore(database: services.database, sortKeyIndexAfter: 1, collectLimit: .max, sortKeysInBackground: false)
        let plainLimited = SQLiteCatalogStore(database: services.database, matchCountLimit: 60, sortKeyIndexAfter: .max)
        let heldLimited = SQLiteCatalogStore(database: services.database, matchCountLimit: 60, sortKeyIndexAfter: 1, collectLimit: .max, sortKeysInBackground: false)
        let texts = ["invoice", "inv", "sm", "rapid tool", "clinics boo", "for", "a", "kit platform", "zzzz"]
        let prices: [(Int64?, Int64?)] = [(nil, nil), (100_000_00, nil), (nil, 200_000_00), (50_000_00, 300_000_00), (1_234_500, 1_234_500)]
        let sorts = ListingSort.allCases.filter { $0 != .relevance }
        var pagesCompared = 0
        for text in texts {
            for (minPrice, maxPrice) in prices {
                for sort in sorts {
                    for reverse in [false, true] {
                        for (expectedStore, store) in [(plain, held), (plainLimited, heldLimited)] {
                            var cursor: String?
                            var page = 0
                            repeat {
                                let query = ListingQuery(q: text, minPrice: minPrice, maxPrice: maxPrice, sort: sort, reverse: reverse, cursor: cursor, limit: 9)
                                let expected = try await expectedStore.search(query)
                                let actual = try await store.search(query)
                                let label = "\(text) \(sort) reverse=\(reverse) price \(String(describing: minPrice))…\(String(describing: maxPrice)) page \(page)"
                                XCTAssertEqual(actual.items.map(\.id), expected.items.map(\.id), label)
                                XCTAssertEqual(actual.items, expected.items, label)
                                // Compared decoded: the encoder writes a cursor's keys in no fixed order.
                                XCTAssertEqual(actual.nextCursor.flatMap(ListingCursor.decode), expected.nextCursor.flatMap(ListingCursor.decode), label)
                                XCTAssertEqual(actual.nextCursor == nil, expected.nextCursor == nil, label)
                                XCTAssertEqual(actual.total, expected.total, label)
                                XCTAssertEqual(actual.totalIsLowerBound, expected.totalIsLowerBound, label)
                                pagesCompared += 1
                                cursor = expected.nextCursor
                                page += 1
                            } while cursor != nil && page < 4
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThan(pagesCompared, 1_000)
        // The held keys answered (not the SQL plans again), and hold what they should: one key per sequence per column.
        XCTAssertGreaterThan(held.sortKeys.pagesServed.load(ordering: .relaxed), 500)
        XCTAssertEqual(plain.sortKeys.pagesServed.load(ordering: .relaxed), 0)
        let top = try await services.database.pool.read { try Int.fetchOne($0, sql: "SELECT max(seq) FROM listings") ?? 0 }
        XCTAssertEqual(held.sortKeys.heldBytes, (top + 1) * 8 * ListingSortKeyIndex.Column.allCases.count)
    }

    /// A change to the catalog is seen at once: keys held for the old catalog never order the new one.
    func testHeldSortKeysFollowTheCatalogAfterAChange() async throws {
        let harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        let services = try harness.services()
        _ = try await SyntheticCatalog.fill(count: 600, services: services)
        let plain = SQLiteCatalogStore(database: services.database, sortKeyIndexAfter: .max)
        let held = SQLiteCatalogStore(database: services.database, sortKeyIndexAfter: 1, collectLimit: .max, sortKeysInBackground: false)
        let query = ListingQuery(q: "invoice", sort: .priceAsc, limit: 5)
        let before = try await held.search(query)
        let plainBefore = try await plain.search(query)
        XCTAssertEqual(before.items.map(\.id), plainBefore.items.map(\.id))
        let cheapest = try XCTUnwrap(before.items.last)
        // The fifth cheapest becomes the cheapest of all, and the cheapest leaves: the next page must show both changes.
        try await services.database.pool.write { db in
            try db.execute(sql: "UPDATE listings SET price = 1 WHERE id = ?", arguments: [cheapest.id])
            try db.execute(sql: "UPDATE listings SET status = 'withdrawn' WHERE id = ?", arguments: [before.items[0].id])
        }
        let servedBefore = held.sortKeys.pagesServed.load(ordering: .relaxed)
        let after = try await held.search(query)
        XCTAssertEqual(after.items.first?.id, cheapest.id)
        XCTAssertFalse(after.items.map(\.id).contains(before.items[0].id))
        let plainAfter = try await plain.search(query)
        XCTAssertEqual(after.items.map(\.id), plainAfter.items.map(\.id))
        XCTAssertEqual(held.sortKeys.pagesServed.load(ordering: .relaxed), servedBefore + 1, "the new catalog's keys were read and served")
    }

    /// Read in the background (as the platform runs): the asking search is answered by the SQL plans without waiting,
    /// the keys are held once the read ends, then they answer, exactly; after a change the old keys never answer.
    func testKeysReadInTheBackgroundAnswerOnlyOnceHeldAndExactly() async throws {
        let harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        let services = try harness.services()
        _ = try await SyntheticCatalog.fill(count: 800, services: services)
        let plain = SQLiteCatalogStore(database: services.database, sortKeyIndexAfter: .max)
        let held = SQLiteCatalogStore(database: services.database, sortKeyIndexAfter: 1, collectLimit: .max)
        func compare(_ query: ListingQuery, _ label: String) async throws {
            let expected = try await plain.search(query)
            let actual = try await held.search(query)
            XCTAssertEqual(actual.items, expected.items, label)
            XCTAssertEqual(actual.nextCursor.flatMap(ListingCursor.decode), expected.nextCursor.flatMap(ListingCursor.decode), label)
            XCTAssertEqual(actual.total, expected.total, label)
            XCTAssertEqual(actual.totalIsLowerBound, expected.totalIsLowerBound, label)
        }
        let query = ListingQuery(q: "invoice", sort: .priceDesc, limit: 7)
        try await compare(query, "asking search")
        XCTAssertEqual(held.sortKeys.pagesServed.load(ordering: .relaxed), 0, "the asking search did not wait for the keys")
        await held.sortKeys.settle()
        let top = try await services.database.pool.read { try Int.fetchOne($0, sql: "SELECT max(seq) FROM listings") ?? 0 }
        XCTAssertEqual(held.sortKeys.heldBytes, (top + 1) * 8)
        try await compare(query, "after the read")
        try await compare(ListingQuery(q: "smart", sort: .priceAsc, reverse: true, limit: 7), "another term, same column")
        XCTAssertEqual(held.sortKeys.pagesServed.load(ordering: .relaxed), 2, "the held keys answered")
        // A change: the held keys belong to the old catalog and must not answer; the next read is for the new one.
        try await services.database.pool.write { db in
            try db.execute(sql: "UPDATE listings SET price = price + 1 WHERE seq % 3 = 0")
        }
        try await compare(query, "after a change")
        XCTAssertEqual(held.sortKeys.pagesServed.load(ordering: .relaxed), 2, "old keys never answer for the new catalog")
        await held.sortKeys.settle()
        try await compare(query, "after the new read")
        XCTAssertEqual(held.sortKeys.pagesServed.load(ordering: .relaxed), 3)
        // Warming at start reads the columns named, before any search asks.
        let warmed = SQLiteCatalogStore(database: services.database, sortKeyIndexAfter: 1_000)
        warmed.sortKeys.warm([.createdAt, .revenue])
        await warmed.sortKeys.settle()
        XCTAssertEqual(warmed.sortKeys.heldBytes, (top + 1) * 8 * 2)
        let newest = ListingQuery(q: "invoice", sort: .newest, limit: 7)
        let warmedPage = try await warmed.search(newest)
        let plainPage = try await plain.search(newest)
        XCTAssertEqual(warmedPage.items, plainPage.items)
        XCTAssertEqual(warmed.sortKeys.pagesServed.load(ordering: .relaxed), 1, "warmed keys answered the first search")
    }
}
