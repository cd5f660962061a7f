import Foundation
import XCTest

/// `techflunky package init` and `package validate` as a seller runs them (the publish → deploy journey is
/// `LivePackageJourneyTests`, against the platform in process).
final class PackageCommandTests: XCTestCase {
    private var home: URL!

    override func setUpWithError() throws {
        home = FileManager.default.temporaryDirectory.appendingPathComponent("tf-pkg-cli-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: home)
    }

    func testInitWritesAValidPackageAndRefusesADirectoryThatIsNotEmpty() throws {
        let dir = home.appendingPathComponent("shop").path
        let created = try CommandLineTests.launch(["package", "init", "Corner Shop", "--directory", dir])
        XCTAssertEqual(created.status, 0, created.output)
        XCTAssertTrue(created.output.contains("slug corner-shop"), created.output)
        for file in ["techflunky.json", "listing.json", "workers/api/index.js", "migrations/0001_init.sql", "assets/business-plan.md"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(dir)/\(file)"), file)
        }
        let valid = try CommandLineTests.launch(["package", "validate", dir])
        XCTAssertEqual(valid.status, 0, valid.output)
        XCTAssertTrue(valid.output.contains("the package is valid"), valid.output)

        let manifestPath = "\(dir)/techflunky.json"
        let before = try String(contentsOfFile: manifestPath, encoding: .utf8)
        let again = try CommandLineTests.launch(["package", "init", "Corner Shop", "--directory", dir])
        XCTAssertEqual(again.status, 1, again.output)
        XCTAssertTrue(again.output.contains("is not empty"), again.output)
        XCTAssertEqual(try String(contentsOfFile: manifestPath, encoding: .utf8), before, "nothing overwritten")
    }

    func testValidateListsATypeErrorAMissingKeyAndTheRulesInOneRun() throws {
        let dir = home.appendingPathComponent("broken").path
        XCTAssertEqual(try CommandLineTests.launch(["package", "init", "Broken Shop", "--directory", dir]).status, 0)
        let manifestPath = "\(dir)/techflunky.json"
        var json = try String(contentsOfFile: manifestPath, encoding: .utf8)
        json = json.replacingOccurrences(of: #""version" : "0.1.0""#, with: #""version" : 1"#)
        json = json.replacingOccurrences(of: #""compatibility_date" : "2025-01-01","#, with: "")
        json = json.replacingOccurrences(of: #""name" : "broken-shop-files""#, with: #""name" : "-""#)
        try json.write(toFile: manifestPath, atomically: true, encoding: .utf8)
        let r = try CommandLineTests.launch(["package", "validate", dir], environment: ["NO_COLOR": "1"])
        XCTAssertEqual(r.status, 1, r.output)
        XCTAssertTrue(r.output.contains("version: must be a string (got a number (1))"), r.output)
        XCTAssertTrue(r.output.contains("cloudflare.workers[0].compatibility_date: is required but missing: a string"), r.output)
        XCTAssertTrue(r.output.contains("cloudflare.r2_buckets[0].name: R2 bucket names"), r.output)
        XCTAssertTrue(r.output.contains("cloudflare.workers[0].bindings[1].bucket: names no bucket"), r.output)
        XCTAssertTrue(r.output.contains("4 problems"), r.output)
    }
}
