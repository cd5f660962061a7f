import Foundation
import Hummingbird
import HummingbirdTesting
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

/// `GET /api/listings` pages are written by `ListingPageJSON` (by hand, for speed); over a seeded catalog they are
/// byte for byte what `WireJSON` (JSONEncoder) makes of the same page, for every sort, search and filter.
final class ListingPageEncodingTests: XCTestCase {
    private struct HostileText: Decodable { var text: String }

    func testEveryPageOfASeededCatalogIsJSONEncodersBytes() async throws {
        let harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        let services = try harness.services()
        try await SyntheticCatalog.fill(count: 300, services: services)
        // Listings whose every text is hostile (escape sequences, controls, bidi, emoji), by a seller named so too.
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/hostile-text.json")
        let hostile = try JSONDecoder().decode([HostileText].self, from: Data(contentsOf: fixtures)).map(\.text)
        let seller = try await services.accounts.createAccount(email: "hostile@example.com", displayName: hostile[0] + "\"\\/",
                                                               passwordHash: "x", now: services.clock.now())
        for (n, text) in hostile.enumerated() {
            try await CatalogFixtures.list(services, slug: "hostile-\(n)", seller: seller,
                                           CatalogFixtures.details(title: "Rapid \(text)", category: text, price: Int64(n + 1) * 7_777,
                                                                   tagline: "\(text)\n\t\u{0}\u{1f}\"", stack: [text, "D1", "a/b"]))
        }

        var pages = 0, items = 0
        for query in [ListingQuery(), ListingQuery(q: "rapid"), ListingQuery(q: "invoice tool"), ListingQuery(category: "Finance"),
                      ListingQuery(minPrice: 100_000_00, maxPrice: 300_000_00)] {
            for sort in ListingSort.allCases {
                var paged = query
                paged.sort = sort
                paged.limit = 41
                repeat {
                    let page = try await services.catalog.search(paged)
                    pages += 1
                    items += page.items.count
                    let expected = try WireJSON.encode(page)
                    let written = Data(ListingPageJSON.encode(page))
                    XCTAssertEqual(written, expected, "\(paged): \(String(decoding: written, as: UTF8.self).prefix(400))")
                    if written != expected { return }
                    paged.cursor = page.nextCursor
                } while paged.cursor != nil
            }
        }
        XCTAssertGreaterThan(pages, 50)
        XCTAssertGreaterThan(items, 2_000)

        // And the route serves those bytes.
        try await harness.withRouter(services) { client, services in
            let response = try await client.execute(uri: "/api/listings?limit=50&q=rapid&sort=price_asc", method: .get)
            XCTAssertEqual(response.status, .ok)
            let page = try await services.catalog.search(ListingQuery(q: "rapid", sort: .priceAsc, limit: 50))
            XCTAssertEqual(Data(response.body.readableBytesView), try WireJSON.encode(page))
        }
    }

    /// The stored tech stack is read from its bytes when it has no escapes; whatever the text, the answer is the
    /// JSON decoder's (or empty where that fails), and what `techStackText` writes comes back unchanged.
    func testStoredTechStacksReadAsTheJSONDecoderReadsThem() throws {
        let stored = [#"[]"#, #"["D1"]"#, #"["Cloudflare Workers","D1","R2"]"#, #"["a,b","c"]"#, #"["a\"b"]"#, #"["é漢😀"]"#,
                      #"["a", "b"]"#, #"["a",]"#, #"[a]"#, #"["#, #""#, #"[""]"#, #"["",""]"#, #"["a""b"]"#, #"["\u0041"]"#, "[\"x\ty\"]"]
        for text in stored {
            let expected = (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
            XCTAssertEqual(SQLiteCatalogStore.techStack(fromStored: text), expected, text)
        }
        for stack in [[], ["D1"], ["a,b", "c\"d", "e\\f", "g/h", "\u{1b}[31m", ""]] as [[String]] {
            XCTAssertEqual(SQLiteCatalogStore.techStack(fromStored: SQLiteCatalogStore.techStackText(stack)), stack)
        }
    }
}
