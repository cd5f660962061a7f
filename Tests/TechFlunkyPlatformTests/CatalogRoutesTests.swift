import Foundation
import Hummingbird
import HummingbirdTesting
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

final class CatalogRoutesTests: XCTestCase {
    func testSearchMatchesWordPrefixesAndRanksTitleMatchesFirst() async throws {
        try await forEachEngine { harness, services, _ in
            let seller = try await CatalogFixtures.seller(services)
            try await CatalogFixtures.list(services, slug: "invoice-tool", seller: seller, CatalogFixtures.details(title: "Invoicely invoicing"))
            try await CatalogFixtures.list(services, slug: "recipe-box", seller: seller,
                                           CatalogFixtures.details(title: "Recipe Box", tagline: "Sends an invoice to nobody"))
            try await CatalogFixtures.list(services, slug: "uptime", seller: seller, CatalogFixtures.details(title: "Uptime Watch"))
            try await harness.withRouter(services) { client, _ in
                let response = try await client.execute(uri: "/api/listings?q=invo", method: .get)
                XCTAssertEqual(response.status, .ok)
                let page = try response.decoded(ListingPage.self)
                XCTAssertEqual(page.items.map(\.slug), ["invoice-tool", "recipe-box"], "prefix match, title hit ranked first")
                XCTAssertEqual(page.total, 2)

                let hostile = try await client.execute(uri: "/api/listings?q=%22%29%20OR%20title%3A*", method: .get)
                XCTAssertEqual(hostile.status, .ok, "FTS syntax in the query is never interpreted")
                let operators = try await client.execute(uri: "/api/listings?q=invo%20%26%20!%7C%3A*%20%27", method: .get)
                XCTAssertEqual(operators.status, .ok, "tsquery operators in the query are never interpreted")
                XCTAssertEqual(try operators.decoded(ListingPage.self).items.map(\.slug), ["invoice-tool", "recipe-box"])
            }
        }
    }

    func testFiltersAndEverySortOrder() async throws {
        try await forEachEngine { harness, services, _ in
            let seller = try await CatalogFixtures.seller(services)
            let base = services.clock.now()
            try await CatalogFixtures.list(services, slug: "aaa", seller: seller, CatalogFixtures.details(title: "A", category: "Media", price: 300_00, revenue: 10_00, profit: 1_00), at: base)
            try await CatalogFixtures.list(services, slug: "bbb", seller: seller, CatalogFixtures.details(title: "B", category: "Media", price: 100_00, revenue: 30_00, profit: 20_00), at: base.addingTimeInterval(1))
            try await CatalogFixtures.list(services, slug: "ccc", seller: seller, CatalogFixtures.details(title: "C", category: "Finance", price: 200_00, revenue: 20_00, profit: 0), at: base.addingTimeInterval(2))
            try await harness.withRouter(services) { client, _ in
                func slugs(_ query: String) async throws -> [String] {
                    let response = try await client.execute(uri: "/api/listings?\(query)", method: .get)
                    XCTAssertEqual(response.status, .ok, query)
                    return try response.decoded(ListingPage.self).items.map(\.slug)
                }
                let newest = try await slugs("")
                XCTAssertEqual(newest, ["ccc", "bbb", "aaa"])
                let priceAsc = try await slugs("sort=price_asc")
                XCTAssertEqual(priceAsc, ["bbb", "ccc", "aaa"])
                let priceDesc = try await slugs("sort=price_desc")
                XCTAssertEqual(priceDesc, ["aaa", "ccc", "bbb"])
                let revenue = try await slugs("sort=revenue")
                XCTAssertEqual(revenue, ["bbb", "ccc", "aaa"])
                let profit = try await slugs("sort=profit")
                XCTAssertEqual(profit, ["bbb", "aaa", "ccc"])
                let multiple = try await slugs("sort=multiple")
                XCTAssertEqual(multiple, ["bbb", "aaa", "ccc"], "lowest multiple first, no profit last")
                let media = try await slugs("category=Media")
                XCTAssertEqual(media, ["bbb", "aaa"])
                let priced = try await slugs("minPrice=15000&maxPrice=30000")
                XCTAssertEqual(priced, ["ccc", "aaa"])

                let badSort = try await client.execute(uri: "/api/listings?sort=cheapest", method: .get)
                XCTAssertEqual(badSort.status, .badRequest)
                XCTAssertEqual(badSort.errorBody?.error.field, "sort")
                let badLimit = try await client.execute(uri: "/api/listings?limit=101", method: .get)
                XCTAssertEqual(badLimit.errorBody?.error.field, "limit")
                let badPrice = try await client.execute(uri: "/api/listings?minPrice=abc", method: .get)
                XCTAssertEqual(badPrice.errorBody?.error.field, "minPrice")
                let badCursor = try await client.execute(uri: "/api/listings?cursor=garbage", method: .get)
                XCTAssertEqual(badCursor.errorBody?.error.field, "cursor")
            }
        }
    }

    /// Pages continue after the last item served even while new listings arrive: nothing repeats or is skipped.
    func testCursorPagesStayCorrectWhileListingsAreAdded() async throws {
        try await forEachEngine { harness, services, _ in
            let seller = try await CatalogFixtures.seller(services)
            let base = services.clock.now()
            for n in 0..<25 {
                // Pairs share a price and a timestamp so ties are broken by the sequence.
                try await CatalogFixtures.list(services, slug: "item-\(n)", seller: seller,
                                               CatalogFixtures.details(title: "Item \(n)", price: Int64(1000 + (n / 2) * 100)),
                                               at: base.addingTimeInterval(Double(n / 2)))
            }
            for sort in ["newest", "price_asc", "price_desc"] {
                var seen: [String] = []
                var cursor: String?
                var round = 0
                repeat {
                    var uri = "/api/listings?limit=7&sort=\(sort)"
                    if let cursor { uri += "&cursor=\(cursor)" }
                    let requestURI = uri
                    let page = try await harness.withRouter(services) { client, _ in
                        try await client.execute(uri: requestURI, method: .get).decoded(ListingPage.self)
                    }
                    seen += page.items.map(\.slug)
                    cursor = page.nextCursor
                    // Newer, cheaper and dearer listings arrive between pages.
                    try await CatalogFixtures.list(services, slug: "new-\(sort)-\(round)", seller: seller,
                                                   CatalogFixtures.details(title: "New", price: round.isMultiple(of: 2) ? 1 : 9_999_999),
                                                   at: base.addingTimeInterval(1000 + Double(round)))
                    round += 1
                } while cursor != nil
                let original = seen.filter { $0.hasPrefix("item-") }
                XCTAssertEqual(original.count, 25, "\(sort): every original listing exactly once")
                XCTAssertEqual(Set(original).count, 25, "\(sort): no repeats")
            }
        }
    }

    func testDetailCategoriesAndUnknownSlug() async throws {
        try await forEachEngine { harness, services, _ in
            let seller = try await CatalogFixtures.seller(services)
            try await CatalogFixtures.list(services, slug: "one", seller: seller, CatalogFixtures.details(title: "One", category: "Media"))
            try await CatalogFixtures.list(services, slug: "two", seller: seller, CatalogFixtures.details(title: "Two", category: "Media"))
            try await CatalogFixtures.list(services, slug: "three", seller: seller, CatalogFixtures.details(title: "Three", category: "Finance"))
            try await harness.withRouter(services) { client, _ in
                let detail = try await client.execute(uri: "/api/listings/one", method: .get)
                XCTAssertEqual(detail.status, .ok)
                let listing = try detail.decoded(Listing.self)
                XCTAssertEqual(listing.package.slug, "one")
                XCTAssertEqual(listing.summary.seller.listingsCount, 3)
                XCTAssertEqual(listing.summary.seller.displayName, "Seller seller@example.com")

                let missing = try await client.execute(uri: "/api/listings/nope", method: .get)
                XCTAssertEqual(missing.status, .notFound)
                XCTAssertEqual(missing.errorBody?.error.code, APIErrorCode.notFound)

                let categories = try await client.execute(uri: "/api/categories", method: .get).decoded(CategoriesResponse.self)
                XCTAssertEqual(categories.categories, [CategoryCount(name: "Media", count: 2), CategoryCount(name: "Finance", count: 1)])
            }
        }
    }

    func testDemoLoaderSeedsSellersDemoAccountAndBundlesOnce() async throws {
        try await forEachEngine { harness, services, _ in
            let catalog = harness.directory.appendingPathComponent("demo")
            for slug in ["alpha-app", "beta-app"] {
                try CatalogFixtures.writeBundle(CatalogFixtures.manifest(slug: slug), to: catalog.appendingPathComponent(slug))
                let seller = slug == "alpha-app" ? #","seller":{"displayName":"Alpha Co","email":"alpha@demo.dev"}"# : ""
                try Data(#"{"title":"\#(slug)","tagline":"t","description":"d","category":"Media","askingPrice":{"amount":100,"currency":"USD"},"monthlyRevenue":{"amount":10,"currency":"USD"},"monthlyProfit":{"amount":5,"currency":"USD"},"ageMonths":3,"techStack":["D1"],"monthlyVisitors":9\#(seller)}"#.utf8)
                    .write(to: catalog.appendingPathComponent(slug).appendingPathComponent("listing.json"))
            }
            // A broken entry is skipped, not fatal.
            try CatalogFixtures.writeBundle(CatalogFixtures.manifest(slug: "other-slug"), to: catalog.appendingPathComponent("broken-app"))

            let report = try await DemoCatalogLoader.seedIfNeeded(services: services, from: catalog)
            XCTAssertEqual(report.loaded, ["alpha-app", "beta-app"])
            XCTAssertEqual(report.skipped.map(\.slug), ["broken-app"])
            let alpha = try await services.catalog.listing(slug: "alpha-app")
            XCTAssertEqual(alpha?.summary.seller.displayName, "Alpha Co")
            XCTAssertEqual(alpha?.assets.first?.kind, "businessPlan")
            let beta = try await services.catalog.listing(slug: "beta-app")
            XCTAssertEqual(beta?.summary.seller.displayName, "Demo Founder")
            XCTAssertTrue(FileManager.default.fileExists(atPath: services.packages.bundleDirectory(slug: "alpha-app").appendingPathComponent("migrations/0001_init.sql").path))
            let demo = try await services.accounts.credentials(email: DemoCatalogLoader.demoEmail)
            XCTAssertTrue(services.passwordHasher.verify(DemoCatalogLoader.demoPassword, against: demo?.passwordHash ?? ""))

            let again = try await DemoCatalogLoader.seedIfNeeded(services: services, from: catalog)
            XCTAssertTrue(again.loaded.isEmpty, "a seeded platform is not seeded twice")
        }
    }

    func testSyntheticFillTopsUpToTheCountAndIsSearchable() async throws {
        try await forEachEngine { harness, services, _ in
            let added = try await SyntheticCatalog.fill(count: 500, services: services)
            XCTAssertEqual(added, 500)
            let more = try await SyntheticCatalog.fill(count: 600, services: services)
            XCTAssertEqual(more, 100)
            let count = try await services.catalog.activeListingCount()
            XCTAssertEqual(count, 600)
            let page = try await services.catalog.search(ListingQuery(q: "invoic", limit: 100))
            XCTAssertGreaterThan(page.total, 0)
            XCTAssertTrue(page.items.allSatisfy { "\($0.title) \($0.tagline)".lowercased().contains("invoic") || $0.techStack.isEmpty == false })
            let newest = try await services.catalog.listing(slug: "synthetic-600")
            XCTAssertEqual(newest?.summary.slug, "synthetic-600", "the top-up continues the numbering")
            try await harness.withRouter(services) { client, _ in
                let response = try await client.execute(uri: "/api/listings?limit=5", method: .get)
                XCTAssertEqual(try response.decoded(ListingPage.self).items.first?.slug, "synthetic-600", "newest first")
            }
        }
    }
}

final class PostgresCatalogSearchTests: XCTestCase {
    /// Only the PostgreSQL engine (pg_trgm): when no listing has every typed word, titles and taglines within a
    /// typo match, best first; a word that matches exactly still gets exact matches only.
    func testTyposFindTheListingWhereNothingMatchesExactly() async throws {
        try await forEachEngine { harness, services, engine in
            guard engine == .postgres else { return }
            let seller = try await CatalogFixtures.seller(services)
            try await CatalogFixtures.list(services, slug: "invoicely", seller: seller, CatalogFixtures.details(title: "Invoicely invoicing"))
            try await CatalogFixtures.list(services, slug: "uptime", seller: seller, CatalogFixtures.details(title: "Uptime Watch"))
            let typo = try await services.catalog.search(ListingQuery(q: "invoicly"))
            XCTAssertEqual(typo.items.map(\.slug), ["invoicely"])
            XCTAssertEqual(typo.total, 1)
            let sorted = try await services.catalog.search(ListingQuery(q: "uptimr", sort: .priceAsc))
            XCTAssertEqual(sorted.items.map(\.slug), ["uptime"], "a sorted search is typo tolerant too")
            let exact = try await services.catalog.search(ListingQuery(q: "invoic"))
            XCTAssertEqual(exact.items.map(\.slug), ["invoicely"])
            let nothing = try await services.catalog.search(ListingQuery(q: "zzqqxx"))
            XCTAssertEqual(nothing.items, [])
            XCTAssertEqual(nothing.total, 0)
        }
    }
}

final class HostileCatalogTextTests: XCTestCase {
    struct Entry: Decodable { var name: String; var text: String }

    /// Every entry of Tests/Fixtures/hostile-text.json as a listing title comes back exactly, and as a search never
    /// fails, on both engines. PostgreSQL cannot store U+0000: there a title with it is a 422 naming the field;
    /// SQLite stores it but reads it back cut at the NUL.
    func testHostileTitlesRoundTripAndHostileQueriesAnswer() async throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/hostile-text.json")
        let corpus = try JSONDecoder().decode([Entry].self, from: Data(contentsOf: fixtures))
        XCTAssertGreaterThan(corpus.count, 20)
        try await forEachEngine { _, services, engine in
            let seller = try await CatalogFixtures.seller(services)
            for (n, entry) in corpus.enumerated() {
                let slug = "hostile-\(n)"
                do {
                    try await CatalogFixtures.list(services, slug: slug, seller: seller, CatalogFixtures.details(title: entry.text))
                    let stored = try await services.catalog.listing(slug: slug)
                    // Known SQLite-engine gap (reported, not this test's subject): GRDB reads text up to the first
                    // U+0000, so a title with a NUL comes back cut there. PostgreSQL refuses it instead (below).
                    let expected = engine == .sqlite ? String(entry.text.unicodeScalars.prefix { $0 != "\u{0}" }) : entry.text
                    XCTAssertEqual(stored?.summary.title, expected, "\(engine): \(entry.name)")
                } catch let error as PlatformError {
                    XCTAssertTrue(engine == .postgres && entry.text.unicodeScalars.contains("\u{0}"), "\(engine): \(entry.name): \(error)")
                    XCTAssertEqual(error.body.error.field, "title", entry.name)
                }
                _ = try await services.catalog.search(ListingQuery(q: entry.text))
                _ = try await services.catalog.search(ListingQuery(q: entry.text, sort: .priceDesc))
            }
        }
    }
}

final class RelevanceWindowTests: XCTestCase {
    /// With more matches than the ranking window, the newest window is ranked by bm25 and the rest follow
    /// newest first; paging through it (while listings are added) serves every match exactly once.
    func testRankedWindowThenOlderMatchesEachExactlyOnce() async throws {
        try await forEachEngine { harness, services, _ in
            let catalog: any CatalogStore = if let postgres = services.catalog as? PostgresCatalogStore {
                PostgresCatalogStore(database: postgres.database, generation: postgres.generation, relevanceWindow: 5)
            } else {
                SQLiteCatalogStore(database: services.database, relevanceWindow: 5)
            }
            let seller = try await CatalogFixtures.seller(services)
            let base = services.clock.now()
            for n in 0..<12 {
                // Listing 9 (inside the newest five) names the term in its title; the others only in the description.
                let title = n == 9 ? "Garden Shop \(n)" : "Plain thing \(n)"
                try await catalog.insert(NewListing(slug: "item-\(n)", sellerId: seller.id,
                                                    details: CatalogFixtures.details(title: title, tagline: "shop tagline"),
                                                    manifest: CatalogFixtures.manifest(slug: "item-\(n)"), assets: []),
                                         now: base.addingTimeInterval(Double(n)))
            }
            var seen: [String] = []
            var cursor: String?
            var round = 0
            repeat {
                let page = try await catalog.search(ListingQuery(q: "shop", cursor: cursor, limit: 4))
                XCTAssertEqual(page.total, 12 + round, "the total counts every active match")
                if cursor == nil { XCTAssertEqual(page.items.first?.slug, "item-9", "the title match ranks first") }
                seen += page.items.map(\.slug)
                cursor = page.nextCursor
                try await catalog.insert(NewListing(slug: "late-\(round)", sellerId: seller.id, details: CatalogFixtures.details(title: "Shop late \(round)"),
                                                    manifest: CatalogFixtures.manifest(slug: "late-\(round)"), assets: []), now: base.addingTimeInterval(100))
                round += 1
            } while cursor != nil && round < 20
            let original = seen.filter { $0.hasPrefix("item-") }
            XCTAssertEqual(original.count, 12)
            XCTAssertEqual(Set(original).count, 12)
            XCTAssertEqual(Array(original.suffix(7)), (0..<7).reversed().map { "item-\($0)" }, "beyond the window: newest first")
            XCTAssertTrue(seen.allSatisfy { $0.hasPrefix("item-") }, "listings added after the first page stay out of this result set")
        }
    }

    func testWithdrawnListingsLeaveTheIndexAndTheCounts() async throws {
        try await forEachEngine { harness, services, _ in
            let seller = try await CatalogFixtures.seller(services)
            try await CatalogFixtures.list(services, slug: "keep", seller: seller, CatalogFixtures.details(title: "Bakery keep"))
            try await CatalogFixtures.list(services, slug: "drop", seller: seller, CatalogFixtures.details(title: "Bakery drop"))
            let before = try await services.catalog.search(ListingQuery(q: "bakery"))
            XCTAssertEqual(before.total, 2)
            _ = try await services.catalog.withdraw(slug: "drop", sellerId: seller.id, now: services.clock.now())
            let after = try await services.catalog.search(ListingQuery(q: "bakery"))
            XCTAssertEqual(after.total, 1)
            XCTAssertEqual(after.items.map(\.slug), ["keep"])
            let all = try await services.catalog.search(ListingQuery())
            XCTAssertEqual(all.total, 1)
        }
    }
}

final class TechStackEncodingTests: XCTestCase {
    func testTechStackRoundTripsExactlyIncludingQuotesAndCommas() throws {
        for stack in [["Cloudflare Workers", "D1"], ["say \"hi\"", "a, b", "back\\slash", "naïve"], []] {
            let text = SQLiteCatalogStore.techStackText(stack)
            XCTAssertEqual(try JSONDecoder().decode([String].self, from: Data(text.utf8)), stack)
        }
    }
}

final class FilteredPageTests: XCTestCase {
    /// Filtered pages are read through the sort's index when many listings match and through the filter's
    /// index when few do (`SQLiteCatalogStore.sortIndexThreshold`); both give exactly the listings, in the
    /// order, that filtering and sorting everything in memory gives, page after page.
    func testFilteredSortedPagesMatchAnInMemoryFilterAndSortOnEitherSideOfTheThreshold() async throws {
        let harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        let services = try harness.services()
        _ = try await SyntheticCatalog.fill(count: SQLiteCatalogStore.sortIndexThreshold + 600, services: services)
        var everything: [ListingSummary] = []
        var cursor: String?
        repeat {
            let page = try await services.catalog.search(ListingQuery(cursor: cursor, limit: 100))
            everything += page.items
            cursor = page.nextCursor
        } while cursor != nil
        XCTAssertEqual(everything.count, SQLiteCatalogStore.sortIndexThreshold + 600)
        let prices = everything.map(\.askingPrice.minorUnits).sorted()
        let busiest = Dictionary(grouping: everything, by: \.category).max { $0.value.count < $1.value.count }!.key

        let cases: [(name: String, query: ListingQuery, keep: (ListingSummary) -> Bool)] = [
            ("price floor, most match", ListingQuery(minPrice: prices[prices.count / 10], sort: .newest), { $0.askingPrice.minorUnits >= prices[prices.count / 10] }),
            ("price ceiling, few match", ListingQuery(maxPrice: prices[40], sort: .revenue), { $0.askingPrice.minorUnits <= prices[40] }),
            ("price range by price", ListingQuery(minPrice: prices[100], maxPrice: prices[2000], sort: .priceDesc),
             { (prices[100]...prices[2000]).contains($0.askingPrice.minorUnits) }),
            ("category by profit", ListingQuery(category: busiest, sort: .profit), { $0.category == busiest }),
            ("category and price floor, newest", ListingQuery(category: busiest, minPrice: prices[300], sort: .newest),
             { $0.category == busiest && $0.askingPrice.minorUnits >= prices[300] }),
        ]
        let order: [ListingSort: (ListingSummary, ListingSummary) -> Bool] = [
            .newest: { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) },
            .revenue: { $0.monthlyRevenue.minorUnits > $1.monthlyRevenue.minorUnits },
            .profit: { $0.monthlyProfit.minorUnits > $1.monthlyProfit.minorUnits },
            .priceDesc: { $0.askingPrice.minorUnits > $1.askingPrice.minorUnits },
        ]
        var regimes = Set<Bool>()
        for (name, query, keep) in cases {
            let expected = everything.filter(keep)
            regimes.insert(expected.count > SQLiteCatalogStore.sortIndexThreshold)
            var served: [ListingSummary] = []
            var next: String?
            var total = -1
            repeat {
                var q = query
                q.limit = 100
                q.cursor = next
                let page = try await services.catalog.search(q)
                served += page.items
                next = page.nextCursor
                total = page.total
            } while next != nil
            XCTAssertEqual(total, expected.count, name)
            XCTAssertEqual(Set(served.map(\.id)), Set(expected.map(\.id)), name)
            XCTAssertEqual(served.count, expected.count, "\(name): nothing served twice")
            let sorter = order[query.sort!]!
            for (a, b) in zip(served, served.dropFirst()) where sorter(b, a) {
                XCTFail("\(name): \(a.slug) served before \(b.slug)")
                break
            }
        }
        XCTAssertEqual(regimes, [true, false], "the cases cover both plans")
    }
}
