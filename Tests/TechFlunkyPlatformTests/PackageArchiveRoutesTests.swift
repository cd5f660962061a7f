import Foundation
import Hummingbird
import HummingbirdTesting
import TechFlunkyArchive
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

/// `POST /api/seller/listings` with a `.tar.gz` body, and the rule that a listing goes live only once its seller can
/// be paid (drafts before that).
final class PackageArchiveRoutesTests: XCTestCase {
    private static func gzipHeaders(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)", .contentType: "application/gzip"] }

    /// The archive `techflunky package publish` sends for a fixture manifest: listing.json, techflunky.json, every file.
    static func archive(slug: String, manifest: Data? = nil, extra: [ArchiveFile] = []) throws -> ByteBuffer {
        let fixture = CatalogFixtures.manifest(slug: slug)
        var files = [
            ArchiveFile(path: "listing.json", contents: Array(try WireJSON.encode(CatalogFixtures.details(title: "Archived \(slug)")))),
            ArchiveFile(path: "techflunky.json", contents: Array(try manifest ?? JSONEncoder().encode(fixture))),
        ]
        for path in PackageStore.referencedPaths(fixture) { files.append(ArchiveFile(path: path, contents: Array("// \(path)\n".utf8))) }
        return ByteBuffer(bytes: try BundleArchive.make(files + extra))
    }

    func testAnArchiveUploadPublishesTheListingAndInstallsItsFiles() async throws {
        try await forEachEngine { harness, services, _ in
            let seller = try await CatalogFixtures.seller(services)
            try await CatalogFixtures.onboard(services, seller)
            let token = try await AccountRoutes.startSession(for: seller, services: services).token
            try await harness.withRouter(services) { client, services in
                let created = try await client.execute(uri: "/api/seller/listings", method: .post, headers: Self.gzipHeaders(token), body: try Self.archive(slug: "tar-shop"))
                XCTAssertEqual(created.status, .created, String(buffer: created.body))
                let listing = try created.decoded(Listing.self)
                XCTAssertEqual(listing.summary.title, "Archived tar-shop")
                XCTAssertEqual(listing.status, .active)
                let bundle = services.packages.bundleDirectory(slug: "tar-shop")
                XCTAssertTrue(FileManager.default.fileExists(atPath: bundle.appendingPathComponent("workers/api/index.js").path))
                XCTAssertFalse(FileManager.default.fileExists(atPath: bundle.appendingPathComponent("listing.json").path), "the listing text is not part of the package")

                // An update with an archive replaces the text and the package.
                let updated = try await client.execute(uri: "/api/seller/listings/tar-shop", method: .put, headers: Self.gzipHeaders(token), body: try Self.archive(slug: "tar-shop"))
                XCTAssertEqual(updated.status, .ok, String(buffer: updated.body))
            }
        }
    }

    func testHostileArchivesAreRefusedOverHTTPAndNothingIsWritten() async throws {
        try await forEachEngine { harness, services, _ in
            let seller = try await CatalogFixtures.seller(services)
            try await CatalogFixtures.onboard(services, seller)
            let token = try await AccountRoutes.startSession(for: seller, services: services).token
            try await harness.withRouter(services) { client, services in
                let escape = try Self.archive(slug: "evil-tar", extra: [ArchiveFile(path: "../../escape.txt", contents: [1])])
                let refused = try await client.execute(uri: "/api/seller/listings", method: .post, headers: Self.gzipHeaders(token), body: escape)
                XCTAssertEqual(refused.status, .unprocessableContent)
                XCTAssertTrue(refused.errorBody?.error.message.contains("../../escape.txt") ?? false, String(buffer: refused.body))
                XCTAssertFalse(FileManager.default.fileExists(atPath: services.packages.bundleDirectory(slug: "evil-tar").path))

                let bomb = ByteBuffer(bytes: try Gzip.compress([UInt8](repeating: 0, count: 40 << 20)))
                let tooLarge = try await client.execute(uri: "/api/seller/listings", method: .post, headers: Self.gzipHeaders(token), body: bomb)
                XCTAssertEqual(tooLarge.status, .contentTooLarge, String(buffer: tooLarge.body))

                let notGzip = try await client.execute(uri: "/api/seller/listings", method: .post, headers: Self.gzipHeaders(token), body: ByteBuffer(string: "{}"))
                XCTAssertEqual(notGzip.status, .unprocessableContent)
                XCTAssertTrue(notGzip.errorBody?.error.message.contains("not a gzip-compressed tar archive") ?? false, String(buffer: notGzip.body))

                let noListing = ByteBuffer(bytes: try BundleArchive.make([ArchiveFile(path: "techflunky.json", contents: Array("{}".utf8))]))
                let missing = try await client.execute(uri: "/api/seller/listings", method: .post, headers: Self.gzipHeaders(token), body: noListing)
                XCTAssertEqual(missing.status, .unprocessableContent)
                XCTAssertEqual(missing.errorBody?.error.field, "listing.json")
            }
        }
    }

    func testEveryManifestProblemComesBackFromTheRouteInOneAnswer() async throws {
        try await forEachEngine { harness, services, _ in
            let seller = try await CatalogFixtures.seller(services)
            try await CatalogFixtures.onboard(services, seller)
            let token = try await AccountRoutes.startSession(for: seller, services: services).token
            try await harness.withRouter(services) { client, _ in
                var json = String(decoding: try JSONEncoder().encode(CatalogFixtures.manifest(slug: "typed-shop")), as: UTF8.self)
                json = json.replacingOccurrences(of: #""version":"1.0.0""#, with: #""version":100"#)
                json = json.replacingOccurrences(of: #""id":"#, with: #""unused_id":"#)
                let response = try await client.execute(uri: "/api/seller/listings", method: .post, headers: Self.gzipHeaders(token),
                                                        body: try Self.archive(slug: "typed-shop", manifest: Data(json.utf8)))
                XCTAssertEqual(response.status, .unprocessableContent)
                let problems = response.errorBody?.error.problems ?? []
                XCTAssertTrue(problems.contains { $0.path == "version" && $0.message.contains("must be a string") }, "\(problems)")
                XCTAssertTrue(problems.contains { $0.path == "id" && $0.message.contains("is required but missing") }, "\(problems)")
            }
        }
    }

    func testAListingGoesLiveOnlyOnceItsSellerCanBePaidAndDraftsStayPrivate() async throws {
        try await forEachEngine { harness, services, _ in
            let seller = try await CatalogFixtures.seller(services)
            let token = try await AccountRoutes.startSession(for: seller, services: services).token
            try await harness.withRouter(services) { client, services in
                let refused = try await client.execute(uri: "/api/seller/listings", method: .post, headers: Self.gzipHeaders(token), body: try Self.archive(slug: "early-shop"))
                XCTAssertEqual(refused.status, .conflict)
                XCTAssertEqual(refused.errorBody?.error.code, APIErrorCode.payoutsRequired)
                XCTAssertTrue(refused.errorBody?.error.message.contains("techflunky seller onboard") ?? false, String(buffer: refused.body))
                XCTAssertFalse(FileManager.default.fileExists(atPath: services.packages.bundleDirectory(slug: "early-shop").path))

                let badDraft = try await client.execute(uri: "/api/seller/listings?draft=maybe", method: .post, headers: Self.gzipHeaders(token), body: try Self.archive(slug: "early-shop"))
                XCTAssertEqual(badDraft.status, .badRequest)

                let draft = try await client.execute(uri: "/api/seller/listings?draft=true", method: .post, headers: Self.gzipHeaders(token), body: try Self.archive(slug: "early-shop"))
                XCTAssertEqual(draft.status, .created, String(buffer: draft.body))
                XCTAssertEqual(try draft.decoded(Listing.self).status, .draft)
                let hidden = try await client.execute(uri: "/api/listings/early-shop", method: .get)
                XCTAssertEqual(hidden.status, .notFound)
                let searched = try await services.catalog.search(ListingQuery(q: "Archived"))
                XCTAssertEqual(searched.items.map(\.slug), [])

                let stillRefused = try await client.execute(uri: "/api/seller/listings/early-shop/publish", method: .post, headers: bearer(token))
                XCTAssertEqual(stillRefused.status, .conflict)
                XCTAssertEqual(stillRefused.errorBody?.error.code, APIErrorCode.payoutsRequired)

                try await CatalogFixtures.onboard(services, seller)
                let live = try await client.execute(uri: "/api/seller/listings/early-shop/publish", method: .post, headers: bearer(token))
                XCTAssertEqual(live.status, .ok, String(buffer: live.body))
                XCTAssertEqual(try live.decoded(Listing.self).status, .active)
                let found = try await services.catalog.search(ListingQuery(q: "Archived"))
                XCTAssertEqual(found.items.map(\.slug), ["early-shop"])
                let again = try await client.execute(uri: "/api/seller/listings/early-shop/publish", method: .post, headers: bearer(token))
                XCTAssertEqual(again.status, .conflict, "only a draft goes live")
            }
        }
    }
}
