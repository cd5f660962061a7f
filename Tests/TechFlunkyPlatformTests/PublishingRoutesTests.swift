import Foundation
import Hummingbird
import HummingbirdTesting
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

final class PublishingRoutesTests: XCTestCase {
    static func bundle(slug: String, extra: [BundleFile] = [], dropping: String? = nil) throws -> PackageBundle {
        let manifest = CatalogFixtures.manifest(slug: slug)
        var files = [BundleFile(path: "techflunky.json", content: try JSONEncoder().encode(manifest))]
        for path in PackageStore.referencedPaths(manifest) where path != dropping {
            files.append(BundleFile(path: path, content: Data("// \(path)\n".utf8)))
        }
        return PackageBundle(files: files + extra)
    }

    func testPublishUpdateAndWithdrawOwnListing() async throws {
        try await forEachEngine { harness, services, _ in
            let seller = try await CatalogFixtures.seller(services)
            try await CatalogFixtures.onboard(services, seller)
            let other = try await CatalogFixtures.seller(services, email: "other@example.com")
            let token = try await AccountRoutes.startSession(for: seller, services: services).token
            let otherToken = try await AccountRoutes.startSession(for: other, services: services).token
            try await harness.withRouter(services) { client, services in
                let upload = ListingUploadRequest(listing: CatalogFixtures.details(title: "Fresh <b>Shop</b>\u{1b}[31m"), bundle: try Self.bundle(slug: "fresh-shop"))
                let created = try await client.execute(uri: "/api/seller/listings", method: .post, headers: bearer(token), body: jsonBody(upload))
                XCTAssertEqual(created.status, .created, String(buffer: created.body))
                let listing = try created.decoded(Listing.self)
                XCTAssertEqual(listing.summary.slug, "fresh-shop")
                XCTAssertEqual(listing.summary.title, "Fresh <b>Shop</b>\u{1b}[31m", "text is kept as sent; the UI sanitises")
                XCTAssertEqual(listing.assets.map(\.kind), ["businessPlan"])
                XCTAssertTrue(FileManager.default.fileExists(atPath: services.packages.bundleDirectory(slug: "fresh-shop").appendingPathComponent("workers/api/index.js").path))
                let search = try await services.catalog.search(ListingQuery(q: "fresh"))
                XCTAssertEqual(search.items.map(\.slug), ["fresh-shop"])

                let duplicate = try await client.execute(uri: "/api/seller/listings", method: .post, headers: bearer(token), body: jsonBody(upload))
                XCTAssertEqual(duplicate.status, .conflict)

                let change = ListingUploadRequest(listing: CatalogFixtures.details(title: "Renamed Shop", price: 99_900), bundle: nil)
                let notMine = try await client.execute(uri: "/api/seller/listings/fresh-shop", method: .put, headers: bearer(otherToken), body: jsonBody(change))
                XCTAssertEqual(notMine.status, .notFound)
                let updated = try await client.execute(uri: "/api/seller/listings/fresh-shop", method: .put, headers: bearer(token), body: jsonBody(change))
                XCTAssertEqual(updated.status, .ok)
                XCTAssertEqual(try updated.decoded(Listing.self).summary.askingPrice, .usd(99_900))

                let withdrawOther = try await client.execute(uri: "/api/seller/listings/fresh-shop", method: .delete, headers: bearer(otherToken))
                XCTAssertEqual(withdrawOther.status, .notFound)
                let withdrawn = try await client.execute(uri: "/api/seller/listings/fresh-shop", method: .delete, headers: bearer(token))
                XCTAssertEqual(withdrawn.status, .noContent)
                let gone = try await client.execute(uri: "/api/listings/fresh-shop", method: .get)
                XCTAssertEqual(gone.status, .notFound)
            }
        }
    }

    func testUntrustedBundlesAreRefusedWithEveryProblemAndNothingWritten() async throws {
        try await forEachEngine { harness, services, _ in
            let seller = try await CatalogFixtures.seller(services)
            let token = try await AccountRoutes.startSession(for: seller, services: services).token
            try await harness.withRouter(services) { client, services in
                let traversal = try Self.bundle(slug: "evil-shop", extra: [BundleFile(path: "../../escape.txt", content: Data("x".utf8)),
                                                                         BundleFile(path: "/etc/passwd", content: Data("x".utf8))],
                                                dropping: "migrations/0001_init.sql")
                let response = try await client.execute(uri: "/api/seller/listings", method: .post, headers: bearer(token),
                                                        body: jsonBody(ListingUploadRequest(listing: CatalogFixtures.details(title: "Evil"), bundle: traversal)))
                XCTAssertEqual(response.status, .unprocessableContent)
                let problems = response.errorBody?.error.problems ?? []
                XCTAssertTrue(problems.contains { $0.message.contains("../../escape.txt") }, "\(problems)")
                XCTAssertTrue(problems.contains { $0.message.contains("/etc/passwd") }, "\(problems)")
                XCTAssertTrue(problems.contains { $0.message.contains("0001_init.sql") || $0.path.contains("migrations") }, "missing file reported: \(problems)")
                XCTAssertFalse(FileManager.default.fileExists(atPath: harness.directory.deletingLastPathComponent().appendingPathComponent("escape.txt").path))
                XCTAssertFalse(FileManager.default.fileExists(atPath: services.packages.bundleDirectory(slug: "evil-shop").path))

                let noManifest = PackageBundle(files: [BundleFile(path: "a.js", content: Data())])
                let missing = try await client.execute(uri: "/api/seller/listings", method: .post, headers: bearer(token),
                                                       body: jsonBody(ListingUploadRequest(listing: CatalogFixtures.details(title: "X"), bundle: noManifest)))
                XCTAssertEqual(missing.status, .unprocessableContent)

                var badListing = CatalogFixtures.details(title: "")
                badListing.askingPrice = .usd(0)
                let invalid = try await client.execute(uri: "/api/seller/listings", method: .post, headers: bearer(token),
                                                       body: jsonBody(ListingUploadRequest(listing: badListing, bundle: try Self.bundle(slug: "ok-shop"))))
                XCTAssertEqual(invalid.status, .unprocessableContent)
                XCTAssertEqual(Set(invalid.errorBody?.error.problems?.map(\.path) ?? []), ["listing.title", "listing.askingPrice"])

                let tooMany = PackageBundle(files: (0...PackageBundle.maxFiles).map { BundleFile(path: "f\($0)", content: Data()) })
                let large = try await client.execute(uri: "/api/seller/listings", method: .post, headers: bearer(token),
                                                     body: jsonBody(ListingUploadRequest(listing: CatalogFixtures.details(title: "X"), bundle: tooMany)))
                XCTAssertEqual(large.status, .contentTooLarge)
            }
        }
    }
}
