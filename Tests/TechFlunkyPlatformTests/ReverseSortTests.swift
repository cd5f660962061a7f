import Foundation
import Hummingbird
import HummingbirdTesting
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

/// `reverse=true`: every sort read from its end, ties included, page boundaries wherever they fall.
final class ReverseSortTests: XCTestCase {
    /// 23 listings in pairs that share a time, price, revenue and profit (so only the sequence breaks ties), some
    /// without profit (the multiple sorts them last), all matching "shop", one in four in another category.
    private func fill(_ services: PlatformServices, catalog: any CatalogStore) async throws {
        let seller = try await CatalogFixtures.seller(services)
        let base = services.clock.now()
        for n in 0..<23 {
            let pair = Int64(n / 2)
            let title = n % 5 == 0 ? "Shop \(n) garden shop" : "Plain thing \(n)"
            try await catalog.insert(NewListing(slug: "item-\(n)", sellerId: seller.id,
                                                details: CatalogFixtures.details(title: title, category: n % 4 == 0 ? "Media" : "Productivity",
                                                                                 price: 1_000_00 + (pair % 4) * 100_00, revenue: 50_00 + (pair % 3) * 10_00,
                                                                                 profit: n % 7 == 3 ? 0 : 10_00 + (pair % 5) * 5_00, tagline: "shop tagline"),
                                                manifest: CatalogFixtures.manifest(slug: "item-\(n)"), assets: []),
                                     now: base.addingTimeInterval(Double(n / 2)))
        }
    }

    /// Runs `body` on each engine with a catalog store whose relevance window is `window`, on that engine's database
    /// (the services' accounts live there too, so the catalog's sellers are found).
    private func forEachEngineCatalog(window: Int, _ body: (PlatformServices, any CatalogStore, StorageEngine) async throws -> Void) async throws {
        for engine in StorageEngine.allCases {
            if engine == .postgres && PostgresTestServer.isOptedOut { continue }
            let harness = try PlatformTestHarness()
            defer { harness.cleanUp() }
            switch engine {
            case .sqlite:
                let services = try harness.services()
                try await body(services, SQLiteCatalogStore(database: services.database, relevanceWindow: window), engine)
            case .postgres:
                let postgres = try await PostgresTestServer.freshDatabase(logger: harness.configuration.logger)
                let services = try harness.services(on: postgres, sqlite: try PlatformDatabase(path: harness.configuration.dbPath))
                do {
                    try await body(services, PostgresCatalogStore(database: postgres, generation: services.catalogGeneration,
                                                                  relevanceWindow: window), engine)
                } catch {
                    await postgres.close()
                    throw error
                }
                await postgres.close()
            }
        }
    }

    private func all(_ catalog: any CatalogStore, _ query: ListingQuery, limit: Int) async throws -> [String] {
        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            var q = query
            q.cursor = cursor
            q.limit = limit
            let page = try await catalog.search(q)
            seen += page.items.map(\.slug)
            cursor = page.nextCursor
            pages += 1
        } while cursor != nil && pages < 100
        return seen
    }

    func testReversedPagesAreTheForwardOrderReversedForEverySortAcrossPageBoundaries() async throws {
        try await forEachEngineCatalog(window: 5) { services, catalog, engine in
            // A relevance window of 5 makes "shop" span both phases (the ranked window and the older matches).
            try await fill(services, catalog: catalog)
            var queries: [(String, ListingQuery)] = ListingSort.allCases.filter { $0 != .relevance }.map { ("\($0.rawValue)", ListingQuery(sort: $0)) }
            queries += ListingSort.allCases.map { ("q=shop \($0.rawValue)", ListingQuery(q: "shop", sort: $0)) }
            queries += [("q=garden relevance (window not full)", ListingQuery(q: "garden", sort: .relevance)),
                        ("Media by price", ListingQuery(category: "Media", sort: .priceAsc)),
                        ("Media, q=shop relevance", ListingQuery(q: "shop", category: "Media", sort: .relevance))]
            for (label, query) in queries {
                let name = "[\(engine.rawValue)] \(label)"
                let forward = try await all(catalog, query, limit: 4)
                var reversedQuery = query
                reversedQuery.reverse = true
                // Page sizes that put the boundaries elsewhere than the forward pages and the relevance window do.
                for limit in [3, 4, 100] {
                    let backward = try await all(catalog, reversedQuery, limit: limit)
                    XCTAssertEqual(backward, Array(forward.reversed()), "\(name), pages of \(limit)")
                }
                XCTAssertFalse(forward.isEmpty, name)
                if query.category == nil && query.q != "garden" { XCTAssertEqual(forward.count, 23, name) }
            }
            // The ties are real: the forward newest order is not simply the sequence reversed twice over.
            let newest = try await all(catalog, ListingQuery(sort: .newest), limit: 50)
            XCTAssertEqual(Array(newest.prefix(2)), ["item-22", "item-21"], engine.rawValue)
            let oldest = try await all(catalog, ListingQuery(sort: .newest, reverse: true), limit: 50)
            XCTAssertEqual(Array(oldest.prefix(3)), ["item-0", "item-1", "item-2"], engine.rawValue)
        }
    }

    func testACursorBelongsToOneDirection() async throws {
        try await forEachEngineCatalog(window: 5) { services, catalog, engine in
            try await fill(services, catalog: catalog)
            for query in [ListingQuery(sort: .priceAsc, limit: 3), ListingQuery(q: "shop", limit: 3)] {
                let first = try await catalog.search(query)
                var wrongWay = query
                wrongWay.reverse = true
                wrongWay.cursor = try XCTUnwrap(first.nextCursor)
                do {
                    _ = try await catalog.search(wrongWay)
                    XCTFail("[\(engine.rawValue)] a forward cursor continued a reversed listing")
                } catch let error as PlatformError {
                    XCTAssertEqual(error.body.error.field, "cursor", engine.rawValue)
                }
            }
        }
    }

    func testReverseThroughTheRouteAndItsCachedPages() async throws {
        try await forEachEngine { harness, services, _ in
            let seller = try await CatalogFixtures.seller(services)
            let base = services.clock.now()
            for (n, slug) in ["aaa", "bbb", "ccc"].enumerated() {
                try await CatalogFixtures.list(services, slug: slug, seller: seller, CatalogFixtures.details(title: slug.uppercased(), price: Int64(100_00 * (3 - n))),
                                               at: base.addingTimeInterval(Double(n)))
            }
            try await harness.withRouter(services) { client, _ in
                func slugs(_ query: String) async throws -> [String] {
                    let response = try await client.execute(uri: "/api/listings?\(query)", method: .get)
                    XCTAssertEqual(response.status, .ok, query)
                    return try response.decoded(ListingPage.self).items.map(\.slug)
                }
                // Forward first, so the reversed request would be a cache hit if the cache ignored the direction.
                let newest = try await slugs("")
                XCTAssertEqual(newest, ["ccc", "bbb", "aaa"])
                let oldest = try await slugs("reverse=true")
                XCTAssertEqual(oldest, ["aaa", "bbb", "ccc"])
                let explicitForward = try await slugs("reverse=false")
                XCTAssertEqual(explicitForward, ["ccc", "bbb", "aaa"])
                let dearest = try await slugs("sort=price_asc&reverse=true")
                XCTAssertEqual(dearest, ["aaa", "bbb", "ccc"])

                let paged = try await client.execute(uri: "/api/listings?reverse=true&limit=2", method: .get).decoded(ListingPage.self)
                XCTAssertEqual(paged.items.map(\.slug), ["aaa", "bbb"])
                let cursor = try XCTUnwrap(paged.nextCursor)
                let rest = try await slugs("reverse=true&limit=2&cursor=\(cursor)")
                XCTAssertEqual(rest, ["ccc"])
                let wrongWay = try await client.execute(uri: "/api/listings?limit=2&cursor=\(cursor)", method: .get)
                XCTAssertEqual(wrongWay.status, .badRequest)
                XCTAssertEqual(wrongWay.errorBody?.error.field, "cursor")

                for bad in ["yes", "1", ""] {
                    let response = try await client.execute(uri: "/api/listings?reverse=\(bad)", method: .get)
                    XCTAssertEqual(response.status, .badRequest, bad)
                    XCTAssertEqual(response.errorBody?.error.field, "reverse", bad)
                }
            }
        }
    }
}
