import Foundation
import Hummingbird
import HummingbirdTesting
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

/// The seller's workspace: versions with changelogs, partial edits and the list of one's own listings.
final class SellerWorkspaceRoutesTests: XCTestCase {
    static func bundle(slug: String, version: String) throws -> PackageBundle {
        var manifest = CatalogFixtures.manifest(slug: slug)
        manifest.version = version
        var files = [BundleFile(path: "techflunky.json", content: try JSONEncoder().encode(manifest))]
        for path in PackageStore.referencedPaths(manifest) { files.append(BundleFile(path: path, content: Data("// \(path) \(version)\n".utf8))) }
        return PackageBundle(files: files)
    }

    func testVersionsIncreaseKeepTheirChangelogsAndTheSellerSeesEveryStatus() async throws {
        try await forEachEngine { harness, services, _ in
            let seller = try await CatalogFixtures.seller(services)
            try await CatalogFixtures.onboard(services, seller)
            let other = try await CatalogFixtures.seller(services, email: "other@example.com")
            let token = try await AccountRoutes.startSession(for: seller, services: services).token
            let otherToken = try await AccountRoutes.startSession(for: other, services: services).token
            try await harness.withRouter(services) { client, services in
                let upload = ListingUploadRequest(listing: CatalogFixtures.details(title: "Versioned"), bundle: try Self.bundle(slug: "versioned", version: "1.0.0"))
                let created = try await client.execute(uri: "/api/seller/listings", method: .post, headers: bearer(token), body: jsonBody(upload))
                XCTAssertEqual(created.status, .created, String(buffer: created.body))

                let release = PublishVersionRequest(changelog: "  Faster search.  ", bundle: try Self.bundle(slug: "versioned", version: "1.1.0"))
                let notMine = try await client.execute(uri: "/api/seller/listings/versioned/versions", method: .post, headers: bearer(otherToken), body: jsonBody(release))
                XCTAssertEqual(notMine.status, .notFound)
                let released = try await client.execute(uri: "/api/seller/listings/versioned/versions", method: .post, headers: bearer(token), body: jsonBody(release))
                XCTAssertEqual(released.status, .created, String(buffer: released.body))
                XCTAssertEqual(try released.decoded(Listing.self).package.version, "1.1.0")
                let stored = try String(contentsOf: services.packages.bundleDirectory(slug: "versioned").appendingPathComponent("workers/api/index.js"), encoding: .utf8)
                XCTAssertTrue(stored.contains("1.1.0"), "the new bundle is installed: \(stored)")

                for (version, expected) in [("1.1.0", HTTPResponse.Status.conflict), ("1.0.9", .conflict), ("1.1.0-rc.1", .conflict)] {
                    let again = PublishVersionRequest(changelog: "x", bundle: try Self.bundle(slug: "versioned", version: version))
                    let refused = try await client.execute(uri: "/api/seller/listings/versioned/versions", method: .post, headers: bearer(token), body: jsonBody(again))
                    XCTAssertEqual(refused.status, expected, version)
                    XCTAssertEqual(refused.errorBody?.error.field, "version", version)
                }
                let blank = PublishVersionRequest(changelog: " \n ", bundle: try Self.bundle(slug: "versioned", version: "1.2.0"))
                let noChangelog = try await client.execute(uri: "/api/seller/listings/versioned/versions", method: .post, headers: bearer(token), body: jsonBody(blank))
                XCTAssertEqual(noChangelog.status, .unprocessableContent)

                let history = try await client.execute(uri: "/api/listings/versioned/versions", method: .get)
                let versions = try history.decoded(PackageVersionsResponse.self)
                XCTAssertEqual(versions.current, "1.1.0")
                XCTAssertEqual(versions.versions.map(\.version), ["1.1.0", "1.0.0"])
                XCTAssertEqual(versions.versions.first?.changelog, "Faster search.")
                let detail = try await client.execute(uri: "/api/listings/versioned", method: .get)
                XCTAssertEqual(try detail.decoded(Listing.self).versions?.map(\.version), ["1.1.0", "1.0.0"])

                // A partial edit changes what it names and keeps the rest.
                let patch = ListingPatchRequest(description: "A new description.", askingPrice: .usd(250_000_00))
                let edited = try await client.execute(uri: "/api/seller/listings/versioned", method: .patch, headers: bearer(token), body: jsonBody(patch))
                XCTAssertEqual(edited.status, .ok, String(buffer: edited.body))
                let listing = try edited.decoded(Listing.self)
                XCTAssertEqual(listing.description, "A new description.")
                XCTAssertEqual(listing.summary.askingPrice, .usd(250_000_00))
                XCTAssertEqual(listing.summary.title, "Versioned")
                let badPrice = try await client.execute(uri: "/api/seller/listings/versioned", method: .patch, headers: bearer(token),
                                                        body: jsonBody(ListingPatchRequest(askingPrice: .usd(0))))
                XCTAssertEqual(badPrice.status, .unprocessableContent)
                let otherPatch = try await client.execute(uri: "/api/seller/listings/versioned", method: .patch, headers: bearer(otherToken), body: jsonBody(patch))
                XCTAssertEqual(otherPatch.status, .notFound)

                // The seller's own list shows every status; an unpublished listing stays in it.
                _ = try await client.execute(uri: "/api/seller/listings/versioned", method: .delete, headers: bearer(token))
                let mine = try await client.execute(uri: "/api/seller/listings", method: .get, headers: bearer(token))
                let listings = try mine.decoded(SellerListingsResponse.self).listings
                XCTAssertEqual(listings.map(\.slug), ["versioned"])
                XCTAssertEqual(listings.first?.status, "withdrawn")
                XCTAssertEqual(listings.first?.version, "1.1.0")
                XCTAssertEqual(listings.first?.versionCount, 2)
                let theirs = try await client.execute(uri: "/api/seller/listings", method: .get, headers: bearer(otherToken))
                XCTAssertEqual(try theirs.decoded(SellerListingsResponse.self).listings, [])
            }
        }
    }
}
