import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

/// `GET /api/listings` answers from remembered bytes until the catalog changes, and never after.
final class ListingPageCacheTests: XCTestCase {
    func testRepeatedPagesComeFromTheCacheUntilTheCatalogChanges() async throws {
        let harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        let services = try harness.services()
        let seller = try await CatalogFixtures.seller(services)
        try await CatalogFixtures.list(services, slug: "alpha", seller: seller, CatalogFixtures.details(title: "Alpha", price: 100_00))
        try await CatalogFixtures.list(services, slug: "beta", seller: seller, CatalogFixtures.details(title: "Beta", price: 200_00))
        try await harness.withRouter(services) { client, _ in
            func page(_ query: String = "") async throws -> ListingPage {
                let response = try await client.execute(uri: "/api/listings?\(query)", method: .get)
                XCTAssertEqual(response.status, .ok, query)
                XCTAssertEqual(response.headers[.contentType], "application/json; charset=utf-8")
                return try response.decoded(ListingPage.self)
            }
            let first = try await page()
            XCTAssertEqual(first.items.map(\.slug), ["beta", "alpha"])
            XCTAssertEqual(services.listingPages.count, 1)
            let again = try await page()
            XCTAssertEqual(again, first)
            XCTAssertEqual(services.listingPages.count, 1, "the same query is answered from the one entry")
            _ = try await page("sort=price_asc")
            XCTAssertEqual(services.listingPages.count, 2, "another query is another entry")

            // A new listing, an edit, a withdrawal and a seller's new name each show on the very next request.
            try await CatalogFixtures.list(services, slug: "gamma", seller: seller, CatalogFixtures.details(title: "Gamma", price: 50_00))
            let added = try await page()
            XCTAssertEqual(added.items.map(\.slug), ["gamma", "beta", "alpha"])
            XCTAssertEqual(added.total, 3)

            let edited = try await services.catalog.update(slug: "alpha", sellerId: seller.id, details: CatalogFixtures.details(title: "Alpha Two", price: 10_00),
                                                          manifest: nil, assets: nil, now: services.clock.now())
            XCTAssertTrue(edited)
            let cheapest = try await page("sort=price_asc")
            XCTAssertEqual(cheapest.items.first?.title, "Alpha Two")

            let withdrawn = try await services.catalog.withdraw(slug: "beta", sellerId: seller.id, now: services.clock.now())
            XCTAssertTrue(withdrawn)
            let afterWithdrawal = try await page()
            XCTAssertEqual(afterWithdrawal.items.map(\.slug), ["gamma", "alpha"])

            try await services.database.pool.write { db in
                try db.execute(sql: "UPDATE accounts SET display_name = 'Renamed Seller' WHERE id = ?", arguments: [seller.id])
            }
            let renamed = try await page()
            XCTAssertEqual(Set(renamed.items.map(\.seller.displayName)), ["Renamed Seller"])
        }
    }

    func testOnlyCommittedCatalogChangesAdvanceTheGeneration() async throws {
        let harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        let services = try harness.services()
        let generation = services.database.catalogGeneration
        let seller = try await CatalogFixtures.seller(services)
        let start = generation.current
        XCTAssertGreaterThan(start, 0, "creating an account is a change to the accounts sellers' names come from")

        try await CatalogFixtures.list(services, slug: "one", seller: seller, CatalogFixtures.details(title: "One"))
        XCTAssertEqual(generation.current, start + 1, "one committed insert, one step")

        struct Abort: Error {}
        do {
            try await services.database.pool.write { db in
                try db.execute(sql: "UPDATE listings SET price = price + 1")
                throw Abort()
            }
            XCTFail("the write should have thrown")
        } catch is Abort {}
        XCTAssertEqual(generation.current, start + 1, "a rolled-back change is no change")

        try await services.database.pool.write { db in
            try db.execute(sql: "UPDATE accounts SET email = 'other@example.com' WHERE id = ?", arguments: [seller.id])
        }
        XCTAssertEqual(generation.current, start + 1, "a column no page shows is not a catalog change")

        try await services.database.pool.write { db in
            for n in 0..<3 { try db.execute(sql: "UPDATE listings SET visitors = ?", arguments: [n]) }
        }
        XCTAssertEqual(generation.current, start + 2, "many changes in one transaction are one step")
    }
}

final class GenerationCacheTests: XCTestCase {
    func testValuesLiveForOneGenerationAndStaleOnesAreNeverStored() {
        let cache = GenerationCache<String, Int>(maxEntries: 10, maxCost: 10, cost: { $0 })
        cache.store(1, for: "a", generation: 0)
        XCTAssertEqual(cache.value(for: "a", generation: 0), 1)
        XCTAssertNil(cache.value(for: "a", generation: 1), "a newer generation drops everything")
        cache.store(2, for: "a", generation: 0)
        XCTAssertNil(cache.value(for: "a", generation: 1), "computed before the change: not stored")
        XCTAssertNil(cache.value(for: "a", generation: 0), "an old generation never reads")
        cache.store(6, for: "b", generation: 1)
        cache.store(6, for: "c", generation: 1)
        XCTAssertNil(cache.value(for: "b", generation: 1), "over the cost budget: started empty again")
        XCTAssertEqual(cache.value(for: "c", generation: 1), 6)
        cache.store(11, for: "d", generation: 1)
        XCTAssertNil(cache.value(for: "d", generation: 1), "a value over the whole budget is not kept")
        XCTAssertEqual(cache.count, 1)
    }
}
