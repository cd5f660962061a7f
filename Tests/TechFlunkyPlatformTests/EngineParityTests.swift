import Foundation
import Hummingbird
import HummingbirdTesting
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

/// What the route tests' frozen whole-second clock cannot show: both engines keep times to the millisecond
/// (StoredTime), so a time with a fraction comes back from every route as the same millisecond on either engine.
final class EngineParityTests: XCTestCase {
    /// A time from the wire as whole milliseconds since 1970.
    private static func ms(_ date: Date?) -> Int64? { date.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } }

    func testSubSecondTimesComeBackToTheMillisecondFromEveryRoute() async throws {
        // 0.1236 s past a second: stored as 124 ms (rounded), never as the whole second or with the extra digits.
        let now = Date(timeIntervalSince1970: 1_790_000_000.123_6)
        let expected = StoredTime.encode(now)
        XCTAssertEqual(expected, 1_790_000_000_124)
        try await forEachEngine(configure: { $0.configuration.clock = MovableClock(frozenAt: now) }) { harness, services, engine in
            let name = engine.rawValue
            let seller = try await CatalogFixtures.seller(services)
            try await CatalogFixtures.list(services, slug: "shop", seller: seller, CatalogFixtures.details(title: "Shop", price: 100_000_00))
            let listing = try await XCTUnwrapAsync(try await services.catalog.listingForSale(slug: "shop"))
            let sellerToken = try await AccountRoutes.startSession(for: seller, services: services).token
            try await harness.withRouter(services) { client, services in
                let signup = try await client.execute(uri: "/api/auth/signup", method: .post, headers: [.contentType: "application/json"],
                                                      body: jsonBody(SignupRequest(email: "Buyer@Example.com", password: "long enough", displayName: "B")))
                XCTAssertEqual(signup.status, .created, "\(name): \(String(buffer: signup.body))")
                let auth = try signup.decoded(AuthResponse.self)
                XCTAssertEqual(Self.ms(auth.account.createdAt), expected, name)
                let me = try await client.execute(uri: "/api/me", method: .get, headers: bearer(auth.token)).decoded(MeResponse.self)
                XCTAssertEqual(Self.ms(me.account.createdAt), expected, name)

                let detail = try await client.execute(uri: "/api/listings/shop", method: .get).decoded(Listing.self)
                XCTAssertEqual(Self.ms(detail.summary.createdAt), expected, name)
                XCTAssertEqual(Self.ms(detail.updatedAt), expected, name)
                XCTAssertEqual(Self.ms(detail.summary.seller.memberSince), expected, name)
                let page = try await client.execute(uri: "/api/listings", method: .get).decoded(ListingPage.self)
                XCTAssertEqual(page.items.map { Self.ms($0.createdAt) }, [expected], name)

                let order = StoredOrder(id: "ord_parity", listing: listing, buyerId: auth.account.id, split: try FeePolicy.standard.split(listing.askingPrice),
                                        now: services.clock.now())
                try await services.orders.insert(order)
                let stored = try await client.execute(uri: "/api/orders/ord_parity", method: .get, headers: bearer(auth.token)).decoded(Order.self)
                XCTAssertEqual(Self.ms(stored.createdAt), expected, name)

                let offered = try await client.execute(uri: "/api/offers", method: .post, headers: bearer(auth.token),
                                                       body: jsonBody(MakeOfferRequest(listingSlug: "shop", amount: .usd(90_000_00))))
                XCTAssertEqual(offered.status, .created, "\(name): \(String(buffer: offered.body))")
                let offer = try offered.decoded(Offer.self)
                let reread = try await client.execute(uri: "/api/offers/\(offer.id)", method: .get, headers: bearer(sellerToken)).decoded(Offer.self)
                XCTAssertEqual(Self.ms(reread.createdAt), expected, name)
                XCTAssertEqual(Self.ms(reread.expiresAt), Self.ms(offer.expiresAt), name)
                XCTAssertEqual((Self.ms(reread.expiresAt) ?? 0) % 1000, expected % 1000, "\(name): the expiry keeps the milliseconds")

                let asked = try await client.execute(uri: "/api/listings/shop/questions", method: .post, headers: bearer(auth.token),
                                                     body: jsonBody(AskQuestionRequest(text: "Why?")))
                XCTAssertEqual(asked.status, .created, name)
                let questions = try await client.execute(uri: "/api/questions", method: .get, headers: bearer(sellerToken)).decoded(QuestionsResponse.self)
                XCTAssertEqual(questions.questions.map { Self.ms($0.askedAt) }, [expected], name)

                let saved = try await client.execute(uri: "/api/saved-searches", method: .post, headers: bearer(auth.token),
                                                     body: ByteBuffer(string: #"{"name":"Shops","q":"shop"}"#))
                XCTAssertTrue([.ok, .created].contains(saved.status), "\(name): \(String(buffer: saved.body))")
                let searches = try await client.execute(uri: "/api/saved-searches", method: .get, headers: bearer(auth.token)).decoded(SavedSearchesResponse.self)
                XCTAssertEqual(searches.searches.map { Self.ms($0.createdAt) }, [expected], name)
            }
        }
    }

    /// Saved searches are listed by name as SQLite's `COLLATE NOCASE` orders them: ASCII letters folded, every other
    /// character by its bytes (É before é, both after z), whatever the PostgreSQL database's own collation does.
    func testSavedSearchesAreListedByNameWithOnlyASCIILettersFolded() async throws {
        try await forEachEngine { harness, services, engine in
            let account = try await CatalogFixtures.seller(services)
            let token = try await AccountRoutes.startSession(for: account, services: services).token
            try await harness.withRouter(services) { client, _ in
                for name in ["éclair", "Zed", "Émile", "banana", "zebra", "Apple"] {
                    let saved = try await client.execute(uri: "/api/saved-searches", method: .post, headers: bearer(token),
                                                         body: jsonBody(SaveSearchRequest(name: name, q: "shop")))
                    XCTAssertTrue([.ok, .created].contains(saved.status), "\(engine): \(name): \(String(buffer: saved.body))")
                }
                let searches = try await client.execute(uri: "/api/saved-searches", method: .get, headers: bearer(token)).decoded(SavedSearchesResponse.self)
                XCTAssertEqual(searches.searches.map(\.name), ["Apple", "banana", "zebra", "Zed", "Émile", "éclair"], engine.rawValue)
            }
        }
    }

    /// One account per email whatever the case of its ASCII letters, as SQLite's `COLLATE NOCASE` email column has it:
    /// A-Z fold, other letters (É and é) are different emails, and signing in finds the account exactly so.
    func testEmailsFoldOnlyASCIILettersOnBothEngines() async throws {
        try await forEachEngine { harness, services, engine in
            try await harness.withRouter(services) { client, _ in
                func signup(_ email: String) async throws -> TestResponse {
                    try await client.execute(uri: "/api/auth/signup", method: .post, headers: [.contentType: "application/json"],
                                             body: jsonBody(SignupRequest(email: email, password: "long enough", displayName: email)))
                }
                func login(_ email: String) async throws -> TestResponse {
                    try await client.execute(uri: "/api/auth/login", method: .post, headers: [.contentType: "application/json"],
                                             body: jsonBody(LoginRequest(email: email, password: "long enough")))
                }
                let lower = try await signup("émile@example.com")
                XCTAssertEqual(lower.status, .created, "\(engine): \(String(buffer: lower.body))")
                let upper = try await signup("Émile@example.com")
                XCTAssertEqual(upper.status, .created, "\(engine): É and é are different emails, as on SQLite: \(String(buffer: upper.body))")
                let ascii = try await signup("Emile@Example.com")
                XCTAssertEqual(ascii.status, .created, "\(engine): \(String(buffer: ascii.body))")
                let again = try await signup("EMILE@example.COM")
                XCTAssertEqual(again.status, .conflict, "\(engine): A-Z fold")
                XCTAssertEqual(again.errorBody?.error.field, "email", engine.rawValue)

                let upperId = try upper.decoded(AuthResponse.self).account.id
                let signedIn = try await login("Émile@EXAMPLE.com")
                XCTAssertEqual(signedIn.status, .ok, engine.rawValue)
                XCTAssertEqual(try signedIn.decoded(AuthResponse.self).account.id, upperId, "\(engine): the É account, not the é one")
                let asciiId = try ascii.decoded(AuthResponse.self).account.id
                let folded = try await login("emile@example.com")
                XCTAssertEqual(try folded.decoded(AuthResponse.self).account.id, asciiId, engine.rawValue)
            }
        }
    }
}
