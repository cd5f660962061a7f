import Foundation
import TechFlunkyClient
import TechFlunkyCore
import XCTest

/// Publishing against the real platform: the seller calls and the `package publish` command.
final class LivePublishingTests: XCTestCase {
    static func manifest(slug: String, main: String = "workers/api/index.js") -> Data {
        Data("""
            {"id": "pkg_\(slug)", "name": "Tiny", "slug": "\(slug)", "version": "1.0.0",
             "cloudflare": {"workers": [{"name": "tiny-api", "main": "\(main)", "compatibility_date": "2024-09-01", "bindings": []}],
                            "d1_databases": [], "r2_buckets": [], "dns_records": []},
             "businessAssets": {}}
            """.utf8)
    }

    static let listing = PublishListingRequest(title: "Tiny Shop", tagline: "Small and sound", description: "A tiny shop that runs itself.",
                                               category: "E-commerce", askingPrice: .usd(1_200_000), monthlyRevenue: .usd(60_000),
                                               monthlyProfit: .usd(25_000), ageMonths: 7, techStack: ["Workers"], monthlyVisitors: 900)

    static func bundle(slug: String) -> PackageBundle {
        PackageBundle(files: [
            BundleFile(path: "techflunky.json", content: manifest(slug: slug)),
            BundleFile(path: "workers/api/index.js", content: Data("export default { fetch() { return new Response('ok') } }".utf8)),
        ])
    }

    func testPublishUpdateWithdrawAndTheirErrors() async throws {
        try await forEachServerEngine { engine in try await LivePlatform.with(on: engine) { platform in
            let seller = PlatformClient(baseURL: platform.baseURL)
            let account = try await seller.signup(email: "seller@example.com", password: "a long seller password", displayName: "Seller")
            // A listing goes live only for a seller who can be paid (LivePackageJourneyTests onboards through the stand-in).
            let services = platform.running.services
            try await services.accounts.setStripeAccount(accountId: account.account.id, stripeAccountId: "acct_live_publishing")
            try await services.accounts.updateConnectFlags(stripeAccountId: "acct_live_publishing", detailsSubmitted: true, chargesEnabled: true, payoutsEnabled: true)

            let published = try await seller.publishListing(ListingUploadRequest(listing: Self.listing, bundle: Self.bundle(slug: "tiny-shop")))
            XCTAssertEqual(published.summary.slug, "tiny-shop")
            XCTAssertEqual(published.summary.askingPrice, .usd(1_200_000))
            let shown = try await seller.listing(slug: "tiny-shop")
            XCTAssertEqual(shown.summary.title, "Tiny Shop")

            do {
                _ = try await seller.publishListing(ListingUploadRequest(listing: Self.listing, bundle: Self.bundle(slug: "tiny-shop")))
                XCTFail("a second listing with the same slug must be refused")
            } catch let error as ClientError {
                guard case let .rejected(status, detail) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(status, 409)
                XCTAssertEqual(detail.field, "slug")
            }

            var broken = Self.bundle(slug: "Broken Slug")
            broken.files.removeLast()
            do {
                _ = try await seller.publishListing(ListingUploadRequest(listing: Self.listing, bundle: broken))
                XCTFail("an invalid package must be refused")
            } catch let error as ClientError {
                guard case let .rejected(status, detail) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(status, 422)
                let paths = Set((detail.problems ?? []).map(\.path))
                XCTAssertTrue(paths.contains("slug"), "\(paths)")
                XCTAssertGreaterThanOrEqual(paths.count, 2, "every problem at once: \(paths)")
            }

            var changed = Self.listing
            changed.title = "Tiny Shop, renamed"
            let updated = try await seller.updateListing(slug: "tiny-shop", ListingUploadRequest(listing: changed, bundle: nil))
            XCTAssertEqual(updated.summary.title, "Tiny Shop, renamed")

            let stranger = PlatformClient(baseURL: platform.baseURL)
            _ = try await stranger.signup(email: "other@example.com", password: "another long password", displayName: "Other")
            do {
                try await stranger.withdrawListing(slug: "tiny-shop")
                XCTFail("only the seller may withdraw")
            } catch let error as ClientError {
                guard case .notFound = error else { return XCTFail("\(error)") }
            }
            try await seller.withdrawListing(slug: "tiny-shop")
            let page = try await seller.listings(ListingQuery(q: "Tiny"))
            XCTAssertFalse(page.items.contains { $0.slug == "tiny-shop" }, "a withdrawn listing leaves the catalog")
        } }
    }
}
