import Foundation
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyHTTP
import XCTest

/// `PlatformClient` against the real platform on a loopback port.
final class LivePlatformClientTests: XCTestCase {
    func testSignupMeLogoutAndSignedOutAfterwards() async throws {
        try await forEachServerEngine { engine in try await LivePlatform.with(on: engine) { platform in
            let client = PlatformClient(baseURL: platform.baseURL)
            let health = try await client.health()
            XCTAssertEqual(health.status, "ok")

            let auth = try await client.signup(email: "ada@example.com", password: "correct horse battery", displayName: "Ada")
            XCTAssertEqual(client.token, auth.token)
            let me = try await client.me()
            XCTAssertEqual(me.account.email, "ada@example.com")
            XCTAssertTrue(me.sandbox)

            try await client.logout()
            XCTAssertNil(client.token)
            client.token = auth.token
            do {
                _ = try await client.me()
                XCTFail("a revoked session must not work")
            } catch let error as ClientError {
                guard case .signedOut = error else { return XCTFail("\(error)") }
            }

            let again = try await client.login(email: "ada@example.com", password: "correct horse battery")
            XCTAssertNotEqual(again.token, auth.token)
            do {
                _ = try await client.login(email: "ada@example.com", password: "wrong password!!")
                XCTFail("expected rejection")
            } catch let error as ClientError {
                guard case let .rejected(status, detail) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(status, 401)
                XCTAssertFalse(detail.message.isEmpty)
            }
        } }
    }

    func testSignupValidationErrorCarriesTheServersMessage() async throws {
        try await forEachServerEngine { engine in try await LivePlatform.with(on: engine) { platform in
            do {
                _ = try await PlatformClient(baseURL: platform.baseURL).signup(email: "not-an-email", password: "x", displayName: "")
                XCTFail("expected rejection")
            } catch let error as ClientError {
                guard case let .rejected(status, detail) = error else { return XCTFail("\(error)") }
                XCTAssertTrue((400..<500).contains(status))
                XCTAssertFalse(detail.message.isEmpty)
                XCTAssertFalse(error.description.isEmpty)
            }
        } }
    }

    func testListingsPaginateWithCursorsAndDetailAndCategoriesDecode() async throws {
        try await forEachServerEngine { engine in try await LivePlatform.with(syntheticListings: 60, on: engine) { platform in
            let client = PlatformClient(baseURL: platform.baseURL)
            var query = ListingQuery(limit: 25)
            var seen: [String] = []
            var total = 0
            while true {
                let page = try await client.listings(query)
                total = page.total
                seen += page.items.map(\.slug)
                guard let next = page.nextCursor else { break }
                query.cursor = next
            }
            XCTAssertEqual(total, 60)
            XCTAssertEqual(seen.count, 60)
            XCTAssertEqual(Set(seen).count, 60, "no listing twice across pages")

            let detail = try await client.listing(slug: seen[0])
            XCTAssertEqual(detail.summary.slug, seen[0])
            let categories = try await client.categories()
            XCTAssertEqual(categories.map(\.count).reduce(0, +), 60)

            do {
                _ = try await client.listing(slug: "no-such-listing")
                XCTFail("expected notFound")
            } catch let error as ClientError {
                guard case .notFound = error else { return XCTFail("\(error)") }
            }
        } }
    }

    func testSignedOutCallsSaySo() async throws {
        try await forEachServerEngine { engine in try await LivePlatform.with(on: engine) { platform in
            do {
                _ = try await PlatformClient(baseURL: platform.baseURL).me()
                XCTFail("expected signedOut")
            } catch let error as ClientError {
                guard case .signedOut = error else { return XCTFail("\(error)") }
                XCTAssertTrue(error.description.contains("techflunky login"))
            }
        } }
    }
}
