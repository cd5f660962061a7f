import Foundation
import Hummingbird
import HummingbirdTesting
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

/// A listing's monthly history through the seller API and the catalog: from the manifest or the listing, validated
/// with every problem, the whole history on the detail, twelve months of revenue on the listing page.
final class ListingHistoryRoutesTests: XCTestCase {
    static func months(_ count: Int, from start: String = "2024-06", revenue: Int64 = 100_00) -> [MonthlyFigures] {
        let first = ListingHistory.monthIndex(start)!
        return (0..<count).map { MonthlyFigures(month: ListingHistory.monthText(first + $0), revenue: revenue + Int64($0) * 1_00, profit: 40_00, visitors: 900 + $0) }
    }

    func testManifestHistoryIsServedOnDetailAndSparklineOnPages() async throws {
        try await forEachEngine { harness, services, _ in
            let seller = try await CatalogFixtures.seller(services)
            try await CatalogFixtures.onboard(services, seller)
            let token = try await AccountRoutes.startSession(for: seller, services: services).token
            try await harness.withRouter(services) { client, _ in
                var manifest = CatalogFixtures.manifest(slug: "charted-shop")
                manifest.history = Self.months(18)
                var files = [BundleFile(path: "techflunky.json", content: try JSONEncoder().encode(manifest))]
                for path in PackageStore.referencedPaths(manifest) { files.append(BundleFile(path: path, content: Data("x\n".utf8))) }
                let upload = ListingUploadRequest(listing: CatalogFixtures.details(title: "Charted Shop"), bundle: PackageBundle(files: files))
                let created = try await client.execute(uri: "/api/seller/listings", method: .post, headers: bearer(token), body: jsonBody(upload))
                XCTAssertEqual(created.status, .created, String(buffer: created.body))

                let detail = try await client.execute(uri: "/api/listings/charted-shop", method: .get)
                let listing = try detail.decoded(Listing.self)
                XCTAssertEqual(listing.history, Self.months(18))
                XCTAssertNil(listing.package.history, "the history is served once, on the listing")
                XCTAssertTrue(String(buffer: detail.body).contains("\"history\""))

                let page = try await client.execute(uri: "/api/listings?q=charted", method: .get)
                let item = try XCTUnwrap(try page.decoded(ListingPage.self).items.first)
                XCTAssertEqual(item.revenueSparkline, Self.months(18).suffix(12).map(\.revenue))

                // The seller API's history replaces it; a listing update without one keeps it.
                var change = CatalogFixtures.details(title: "Charted Shop")
                change.history = Self.months(3, from: "2026-01", revenue: 500_00)
                let updated = try await client.execute(uri: "/api/seller/listings/charted-shop", method: .put, headers: bearer(token),
                                                       body: jsonBody(ListingUploadRequest(listing: change, bundle: nil)))
                XCTAssertEqual(updated.status, .ok, String(buffer: updated.body))
                XCTAssertEqual(try updated.decoded(Listing.self).history?.map(\.month), ["2026-01", "2026-02", "2026-03"])
                let kept = try await client.execute(uri: "/api/seller/listings/charted-shop", method: .put, headers: bearer(token),
                                                    body: jsonBody(ListingUploadRequest(listing: CatalogFixtures.details(title: "Charted Shop"), bundle: nil)))
                XCTAssertEqual(try kept.decoded(Listing.self).history?.count, 3)
                let again = try await client.execute(uri: "/api/listings?q=charted", method: .get)
                XCTAssertEqual(try again.decoded(ListingPage.self).items.first?.revenueSparkline, [500_00, 501_00, 502_00])
            }
        }
    }

    func testInvalidHistoriesAreRefusedWithEveryProblem() async throws {
        try await forEachEngine { harness, services, _ in
            let seller = try await CatalogFixtures.seller(services)
            let token = try await AccountRoutes.startSession(for: seller, services: services).token
            try await harness.withRouter(services) { client, _ in
                var manifest = CatalogFixtures.manifest(slug: "gappy-shop")
                var history = Self.months(40)
                history[5].month = "2024-12"
                manifest.history = history
                manifest.assetPreviewPercent = 101
                var files = [BundleFile(path: "techflunky.json", content: try JSONEncoder().encode(manifest))]
                for path in PackageStore.referencedPaths(manifest) { files.append(BundleFile(path: path, content: Data("x\n".utf8))) }
                var details = CatalogFixtures.details(title: "Gappy")
                details.history = [MonthlyFigures(month: "2025-01", revenue: 10, profit: 20, visitors: -1)]
                let response = try await client.execute(uri: "/api/seller/listings", method: .post, headers: bearer(token),
                                                        body: jsonBody(ListingUploadRequest(listing: details, bundle: PackageBundle(files: files))))
                XCTAssertEqual(response.status, .unprocessableContent)
                let paths = Set(response.errorBody?.error.problems?.map(\.path) ?? [])
                XCTAssertEqual(paths, ["listing.history[0].profit", "listing.history[0].visitors"], "the listing's problems come first")

                let manifestOnly = try await client.execute(uri: "/api/seller/listings", method: .post, headers: bearer(token),
                                                            body: jsonBody(ListingUploadRequest(listing: CatalogFixtures.details(title: "Gappy"),
                                                                                                bundle: PackageBundle(files: files))))
                XCTAssertEqual(manifestOnly.status, .unprocessableContent)
                let manifestPaths = Set(manifestOnly.errorBody?.error.problems?.map(\.path) ?? [])
                XCTAssertTrue(manifestPaths.isSuperset(of: ["history", "history[5].month", "history[6].month", "assetPreviewPercent"]), "\(manifestPaths)")
                let none = try await client.execute(uri: "/api/listings/gappy-shop", method: .get)
                XCTAssertEqual(none.status, .notFound)
            }
        }
    }
}
