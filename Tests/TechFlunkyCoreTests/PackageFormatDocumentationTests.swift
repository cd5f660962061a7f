import Foundation
import XCTest
@testable import TechFlunkyCore

/// docs/packages.md is the format's reference: every field the validator knows is documented there, with the
/// values it accepts, so the two cannot drift apart unnoticed.
final class PackageFormatDocumentationTests: XCTestCase {
    static let docs: String = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/packages.md")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    func testEveryManifestFieldIsDocumented() {
        XCTAssertFalse(Self.docs.isEmpty, "docs/packages.md is missing")
        let paths = ManifestShape.manifest.fieldPaths()
        XCTAssertGreaterThan(paths.count, 40)
        for path in paths {
            XCTAssertTrue(Self.docs.contains("`\(path)`"), "docs/packages.md does not document `\(path)`")
        }
    }

    func testEveryAcceptedValueIsDocumented() {
        for kind in WorkerBinding.Kind.allCases {
            XCTAssertTrue(Self.docs.contains("`\(kind.rawValue)`"), "binding type \(kind.rawValue)")
        }
        for type in PackageManifestValidator.dnsRecordTypes {
            XCTAssertTrue(Self.docs.contains("`\(type)`"), "DNS record type \(type)")
        }
        for placeholder in PackageManifestValidator.dnsPlaceholders.keys {
            XCTAssertTrue(Self.docs.contains(placeholder), "placeholder \(placeholder)")
        }
    }

    func testEveryFieldTheDocumentationMentionsExists() {
        // The reverse: a documented path that the format no longer has is stale.
        let known = Set(ManifestShape.manifest.fieldPaths())
        let pattern = try! NSRegularExpression(pattern: "^\\| `(cloudflare[^`]*|id|name|slug|version|businessAssets[^`]*)` \\|", options: .anchorsMatchLines)
        let range = NSRange(Self.docs.startIndex..., in: Self.docs)
        let documented = pattern.matches(in: Self.docs, range: range).compactMap { Range($0.range(at: 1), in: Self.docs).map { String(Self.docs[$0]) } }
        XCTAssertGreaterThan(documented.count, 40)
        for path in documented {
            XCTAssertTrue(known.contains(path), "docs/packages.md documents `\(path)`, which the manifest format does not have")
        }
    }

    func testTheInitTemplateIsValidAndItsFilesAreThere() throws {
        let template = try PackageTemplate(name: "Café Finder: the Best!")
        XCTAssertEqual(template.slug, "caf-finder-the-best")
        let files = try template.files()
        let manifest = try XCTUnwrap(files.first { $0.path == "techflunky.json" }?.contents)
        XCTAssertEqual(PackageManifestValidator(today: "2026-01-01").problems(in: manifest, bundleFiles: Set(files.map(\.path))), [])
        let listing = try XCTUnwrap(files.first { $0.path == "listing.json" }?.contents)
        XCTAssertEqual(try WireJSON.decode(PublishListingRequest.self, from: listing), template.listing)
        let decoded = try PackageManifestValidator.decode(manifest)
        XCTAssertEqual(decoded.cloudflare.workers[0].bindings.map(\.type), [.d1, .r2Bucket])
        XCTAssertEqual(decoded.cloudflare.d1Databases[0].migrations, ["migrations/0001_init.sql"])
    }

    func testInitRefusesANameWithoutASlugOrWithControlCharacters() {
        XCTAssertThrowsError(try PackageTemplate(name: "日本語")) { error in
            XCTAssertEqual((error as? ManifestValidationError)?.problems.map(\.path), ["slug"])
        }
        XCTAssertThrowsError(try PackageTemplate(name: "Evil\u{1B}[31m")) { error in
            XCTAssertTrue((error as? ManifestValidationError)?.problems.contains { $0.path == "name" } ?? false)
        }
        XCTAssertThrowsError(try PackageTemplate(name: "Fine", slug: "Not--ok"))
        XCTAssertEqual(try PackageTemplate(name: "A very long name " + String(repeating: "x", count: 60)).slug.count, 48)
    }
}
