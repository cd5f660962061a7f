import Foundation
import XCTest
@testable import TechFlunkyCore

/// Reads every bundle of the shipped demo catalog (Sources/TechFlunkyDemoCatalog/DemoCatalog)
/// and holds it to the same rules a seller's upload meets. Core has no SQLite, so migrations are checked
/// for presence and shape here; scripts/demo_catalog/generate.py runs them, and the deploy tests apply them.
final class DemoCatalogContentTests: XCTestCase {
    static let catalogURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/TechFlunkyDemoCatalog/DemoCatalog")

    struct Bundle {
        var slug: String
        var listing: PublishListingRequest
        var manifest: PackageManifest
        var files: Set<String>
        var url: URL
    }

    static func files(under root: URL) -> Set<String> {
        var paths: Set<String> = []
        let prefix = root.standardizedFileURL.path + "/"
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            paths.insert(String(url.standardizedFileURL.path.dropFirst(prefix.count)))
        }
        return paths
    }

    func bundles() throws -> [Bundle] {
        let entries = try FileManager.default.contentsOfDirectory(at: Self.catalogURL, includingPropertiesForKeys: [.isDirectoryKey])
            .filter { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        return try entries.map { dir in
            let listing = try WireJSON.decode(PublishListingRequest.self, from: Data(contentsOf: dir.appendingPathComponent("listing.json")))
            let manifest = try PackageManifestValidator.decode(Data(contentsOf: dir.appendingPathComponent(PackageBundle.manifestPath)))
            return Bundle(slug: dir.lastPathComponent, listing: listing, manifest: manifest, files: Self.files(under: dir), url: dir)
        }
    }

    func testEveryBundleDecodesAndValidates() throws {
        let validator = PackageManifestValidator()
        for bundle in try bundles() {
            XCTAssertEqual(validator.validate(bundle.manifest, bundleFiles: bundle.files), [], bundle.slug)
            XCTAssertEqual(bundle.manifest.slug, bundle.slug, "manifest slug is the directory name")
        }
    }

    /// Every listing has a history that ends in the same month, covers its age up to 36 months, and whose last
    /// twelve months average exactly the listing's monthly revenue and profit (what its description says); the
    /// histories differ in shape (some grow, some shrink) and e-commerce peaks in the holidays.
    func testHistoriesAreConsistentWithTheListingsAndVaried() throws {
        var growths: [Double] = []
        for bundle in try bundles() {
            let history = try XCTUnwrap(bundle.manifest.history, bundle.slug)
            XCTAssertEqual(history.count, min(36, bundle.listing.ageMonths), bundle.slug)
            XCTAssertEqual(history.last?.month, "2026-11", bundle.slug)
            XCTAssertEqual(ListingHistory.problems(history), [], bundle.slug)
            let year = history.suffix(12)
            XCTAssertEqual(year.reduce(0) { $0 + $1.revenue } / Int64(year.count), bundle.listing.monthlyRevenue.minorUnits, bundle.slug)
            XCTAssertEqual(year.reduce(0) { $0 + $1.profit } / Int64(year.count), bundle.listing.monthlyProfit.minorUnits, bundle.slug)
            let visitors = year.reduce(0) { $0 + $1.visitors } / year.count
            XCTAssertEqual(Double(visitors), Double(bundle.listing.monthlyVisitors), accuracy: Double(bundle.listing.monthlyVisitors) * 0.01, bundle.slug)
            if let growth = ListingHistory.revenueGrowth(history) { growths.append(growth) }
            if bundle.listing.category == "E-commerce", history.count >= 24 {
                let december = history.filter { $0.month.hasSuffix("-12") }.map(\.revenue)
                let june = history.filter { $0.month.hasSuffix("-06") }.map(\.revenue)
                XCTAssertGreaterThan(december.reduce(0, +) / Int64(december.count), june.reduce(0, +) / Int64(june.count), "\(bundle.slug): holiday peak")
            }
        }
        XCTAssertTrue(growths.contains { $0 < 0 }, "some businesses shrink")
        XCTAssertTrue(growths.contains { $0 > 0.2 }, "some grow fast")
    }

    func testTheCatalogIsBigAndVaried() throws {
        let all = try bundles()
        XCTAssertGreaterThanOrEqual(all.count, 42)
        let categories = Dictionary(grouping: all, by: \.listing.category)
        XCTAssertGreaterThanOrEqual(categories.count, 7, "\(categories.keys.sorted())")
        for (category, members) in categories {
            XCTAssertGreaterThanOrEqual(members.count, 3, "\(category) has too few listings")
        }
        let prices = all.map(\.listing.askingPrice.minorUnits)
        XCTAssertEqual(prices.min(), 900_00)
        XCTAssertEqual(prices.max(), 450_000_00)
        XCTAssertGreaterThan(Set(prices).count, all.count * 3 / 4, "prices vary")
        let workerCounts = Set(all.map(\.manifest.cloudflare.workers.count))
        let databaseCounts = Set(all.map(\.manifest.cloudflare.d1Databases.count))
        let bucketCounts = Set(all.map(\.manifest.cloudflare.r2Buckets.count))
        XCTAssertEqual(workerCounts, [1, 2, 3])
        XCTAssertEqual(databaseCounts, [0, 1, 2, 3])
        XCTAssertEqual(bucketCounts, [0, 1, 2])
        XCTAssertTrue(all.contains { !($0.manifest.cloudflare.workers.first?.secrets ?? []).isEmpty })
        XCTAssertTrue(all.contains { $0.manifest.cloudflare.workers.contains { ($0.bindings.contains { $0.type == .plainText }) } })
    }

    func testListingTextExercisesWideAndNonASCIICharacters() throws {
        let all = try bundles()
        XCTAssertTrue(all.contains { $0.listing.title.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } }, "a CJK title")
        for bundle in all {
            let text = bundle.listing.description
            XCTAssertTrue(text.contains("—") && text.contains("’"), "\(bundle.slug) description lacks — or ’")
            XCTAssertGreaterThanOrEqual(text.components(separatedBy: "\n\n").count, 3, "\(bundle.slug): a few paragraphs")
            XCTAssertFalse(bundle.listing.tagline.isEmpty)
        }
    }

    func testMetricsArePlausible() throws {
        for bundle in try bundles() {
            let l = bundle.listing
            XCTAssertEqual(l.askingPrice.currency, .usd, bundle.slug)
            XCTAssertTrue((900_00...450_000_00).contains(l.askingPrice.minorUnits), bundle.slug)
            XCTAssertLessThanOrEqual(l.monthlyProfit.minorUnits, l.monthlyRevenue.minorUnits, bundle.slug)
            XCTAssertGreaterThanOrEqual(l.monthlyProfit.minorUnits, 0, bundle.slug)
            if l.monthlyProfit.minorUnits > 0 {
                let multiple = Double(l.askingPrice.minorUnits) / Double(l.monthlyProfit.minorUnits * 12)
                XCTAssertTrue((0.8...5.0).contains(multiple), "\(bundle.slug): \(multiple)× annual profit")
            }
        }
    }

    func testWorkersAreRealModulesThatUseTheirBindingsAndAnswerHealth() throws {
        for bundle in try bundles() {
            for worker in bundle.manifest.cloudflare.workers {
                let source = try String(contentsOf: bundle.url.appendingPathComponent(worker.main), encoding: .utf8)
                XCTAssertTrue(source.contains("export default"), "\(bundle.slug)/\(worker.main) is an ES module")
                XCTAssertTrue(source.contains("\"/health\""), "\(bundle.slug)/\(worker.main) answers /health")
                for binding in worker.bindings where binding.type == .d1 || binding.type == .r2Bucket {
                    XCTAssertTrue(source.contains("env.\(binding.name)"), "\(bundle.slug)/\(worker.main) never uses env.\(binding.name)")
                }
            }
            let smoked = Set((bundle.manifest.cloudflare.smokeChecks ?? []).filter { $0.path == "/health" }.map(\.worker))
            XCTAssertEqual(smoked, Set(bundle.manifest.cloudflare.workers.map(\.name)), "\(bundle.slug): every worker is smoke-checked")
        }
    }

    func testMigrationsCreateTablesAndSeedRows() throws {
        for bundle in try bundles() {
            for db in bundle.manifest.cloudflare.d1Databases {
                let sql = try db.migrations.map { try String(contentsOf: bundle.url.appendingPathComponent($0), encoding: .utf8) }
                XCTAssertTrue(sql.first?.contains("CREATE TABLE") ?? false, "\(bundle.slug)/\(db.name) starts by creating tables")
                XCTAssertTrue(sql.joined().contains("INSERT INTO"), "\(bundle.slug)/\(db.name) seeds rows")
                for (path, text) in zip(db.migrations, sql) {
                    XCTAssertTrue(text.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix(";"), "\(bundle.slug)/\(path) ends a statement")
                }
            }
        }
    }

    func testAssetsAreMarkdownWithContent() throws {
        for bundle in try bundles() {
            XCTAssertNotNil(bundle.manifest.businessAssets["marketResearch"], bundle.slug)
            XCTAssertNotNil(bundle.manifest.businessAssets["businessPlan"], bundle.slug)
            for (_, path) in bundle.manifest.businessAssets {
                let text = try String(contentsOf: bundle.url.appendingPathComponent(path), encoding: .utf8)
                XCTAssertTrue(text.hasPrefix("# ") && text.count > 200, "\(bundle.slug)/\(path)")
            }
        }
    }
}
