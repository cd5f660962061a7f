import Foundation
import Hummingbird
import TechFlunkyClient
import TechFlunkyCore
import XCTest

/// The scripting commands as a script or a person runs them: the real binary against the live
/// platform (or a fake one), checking exit codes, text and JSON output, and the token file.
final class CommandOutputTests: XCTestCase {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    private var home: URL!

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw XCTSkip("build the techflunky product first (swift build --build-tests builds it)")
        }
        home = FileManager.default.temporaryDirectory.appendingPathComponent("tf-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: home)
    }

    static var binary: String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/techflunky").path
    }

    func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> Run {
        try Self.run(arguments, home: home, stdin: stdin, environment: environment)
    }

    static func run(_ arguments: [String], home: URL, stdin: String? = nil, environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for key in ["TECHFLUNKY_API", "TECHFLUNKY_TOKEN", "NO_COLOR", "CLOUDFLARE_API_TOKEN"] { env[key] = nil }
        env["HOME"] = home.path
        env["XDG_CONFIG_HOME"] = home.appendingPathComponent("config").path
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes concurrently so neither fills up and blocks the child.
        let errData = LockedBox()
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.isSet { usleep(1000) }
        return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                   stderr: String(decoding: errData.get(), as: UTF8.self))
    }

    func testListingsJSONIsTheWirePageAndPaginatesPastOnePage() async throws {
        try await LivePlatform.with(syntheticListings: 120) { platform in
            let fifty = try self.run(["listings", "--api", platform.baseURL, "--limit", "50", "--json"])
            XCTAssertEqual(fifty.status, 0, fifty.stderr)
            let page = try WireJSON.decode(ListingPage.self, from: Data(fifty.stdout.utf8))
            XCTAssertEqual(page.items.count, 50)
            XCTAssertEqual(page.total, 120)

            let all = try self.run(["listings", "--api", platform.baseURL, "--limit", "150", "--json"])
            XCTAssertEqual(all.status, 0, all.stderr)
            let whole = try WireJSON.decode(ListingPage.self, from: Data(all.stdout.utf8))
            XCTAssertEqual(whole.items.count, 120)
            XCTAssertEqual(Set(whole.items.map(\.slug)).count, 120)
            XCTAssertNil(whole.nextCursor)
        }
    }

    func testListingsTextIsAlignedAndPlainWhenNotATerminal() async throws {
        try await LivePlatform.with(syntheticListings: 12) { platform in
            let result = try self.run(["listings", "--api", platform.baseURL, "--limit", "5", "--sort", "price_desc"])
            XCTAssertEqual(result.status, 0, result.stderr)
            let lines = result.stdout.split(separator: "\n").map(String.init)
            XCTAssertEqual(lines.count, 6, result.stdout)
            XCTAssertTrue(lines[0].hasPrefix("SLUG"), lines[0])
            XCTAssertFalse(result.stdout.contains("\u{1B}"), "no colour when stdout is not a terminal")
            // Columns line up: PRICE's right edge is at the same column on every line.
            let priceEnd = lines[0].range(of: "PRICE")!.upperBound.utf16Offset(in: lines[0])
            for line in lines.dropFirst() {
                let index = line.index(line.startIndex, offsetBy: priceEnd - 1)
                XCTAssertTrue(line[index].isNumber, "price column misaligned: \(line)")
            }
            XCTAssertTrue(result.stderr.contains("5 of 12 listings"), result.stderr)
        }
    }

    func testLoginWhoamiLogoutKeepTheTokenFilePrivate() async throws {
        try await LivePlatform.with { platform in
            _ = try await PlatformClient(baseURL: platform.baseURL).signup(email: "grace@example.com", password: "a long enough password", displayName: "Grace")
            let login = try self.run(["login", "--api", platform.baseURL, "--email", "grace@example.com", "--password-stdin"],
                                     stdin: "a long enough password\n")
            XCTAssertEqual(login.status, 0, login.stderr)
            XCTAssertTrue(login.stdout.contains("Signed in"), login.stdout)
            XCTAssertFalse(login.stdout.contains("a long enough password"))

            let tokenFile = self.home.appendingPathComponent("config/techflunky/session.json").path
            let attributes = try FileManager.default.attributesOfItem(atPath: tokenFile)
            XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)

            // TECHFLUNKY_API works as well as --api.
            let whoami = try self.run(["whoami", "--json"], environment: ["TECHFLUNKY_API": platform.baseURL])
            XCTAssertEqual(whoami.status, 0, whoami.stderr)
            XCTAssertEqual(try WireJSON.decode(MeResponse.self, from: Data(whoami.stdout.utf8)).account.email, "grace@example.com")

            let text = try self.run(["whoami", "--api", platform.baseURL])
            XCTAssertTrue(text.stdout.contains("grace@example.com"), text.stdout)
            XCTAssertTrue(text.stdout.contains("(sandbox)"), text.stdout)

            let logout = try self.run(["logout", "--api", platform.baseURL])
            XCTAssertEqual(logout.status, 0, logout.stderr)
            let after = try self.run(["whoami", "--api", platform.baseURL])
            XCTAssertEqual(after.status, 1)
            XCTAssertTrue(after.stderr.contains("techflunky login"), after.stderr)

            let wrong = try self.run(["login", "--api", platform.baseURL, "--email", "grace@example.com", "--password-stdin"], stdin: "nope nope nope\n")
            XCTAssertEqual(wrong.status, 1)
            XCTAssertFalse(wrong.stderr.contains("techflunky login"), "a wrong password is not 'signed out': \(wrong.stderr)")
        }
    }

    func testShowAndMissingListing() async throws {
        try await LivePlatform.with(syntheticListings: 3) { platform in
            let page = try await PlatformClient(baseURL: platform.baseURL).listings(ListingQuery(limit: 1))
            let slug = page.items[0].slug
            let shown = try self.run(["show", slug, "--api", platform.baseURL])
            XCTAssertEqual(shown.status, 0, shown.stderr)
            XCTAssertTrue(shown.stdout.contains(page.items[0].title), shown.stdout)
            XCTAssertTrue(shown.stdout.contains("platform fee"), shown.stdout)
            let missing = try self.run(["show", "no-such-thing", "--api", platform.baseURL])
            XCTAssertEqual(missing.status, 1)
            XCTAssertTrue(missing.stderr.contains("not found"), missing.stderr)
        }
    }

    func testHostileTextFromTheAPIIsSanitisedAndDownServerIsNamed() async throws {
        let hostile = Fixtures.summary(1, title: "Evil\u{1B}]0;pwned\u{07}\r\u{1B}[2KFake")
        try await LoopbackServer.run({ router in
            router.get("api/listings") { _, _ in try Response.wire(ListingPage(items: [hostile], nextCursor: nil, total: 1)) }
        }) { [home] base in
            let home = home!
            let text = try Self.run(["listings", "--api", base], home: home)
            XCTAssertEqual(text.status, 0, text.stderr)
            XCTAssertFalse(text.stdout.contains("\u{1B}"), text.stdout)
            XCTAssertFalse(text.stdout.contains("\r"), text.stdout)
            XCTAssertTrue(text.stdout.contains("Evil?]0;pwned? ?[2KFake"), text.stdout)
            // JSON stays faithful (escaped by the encoder), for machines.
            let json = try Self.run(["listings", "--api", base, "--json"], home: home)
            XCTAssertEqual(try WireJSON.decode(ListingPage.self, from: Data(json.stdout.utf8)).items[0].title, hostile.title)
        }
        let down = try run(["listings", "--api", "http://127.0.0.1:\(try PlatformClientErrorTests.freePort())"])
        XCTAssertEqual(down.status, 1)
        XCTAssertTrue(down.stderr.contains("cannot reach the TechFlunky platform at http://127.0.0.1:"), down.stderr)
    }

    func testPackageValidateListsEveryProblemWithItsPathAndExitsOne() throws {
        let package = home.appendingPathComponent("mini")
        let manifest = """
            {"id": "pkg_mini", "name": "Mini", "slug": "mini-shop", "version": "1.0.0",
             "cloudflare": {
               "workers": [{"name": "mini-api", "main": "workers/api/index.js", "compatibility_date": "2024-09-01",
                            "bindings": [{"type": "d1", "name": "DB", "database": "mini-db"}]}],
               "d1_databases": [{"name": "mini-db", "migrations": ["migrations/0001_init.sql"]}],
               "r2_buckets": [], "dns_records": []},
             "businessAssets": {}}
            """
        try FileManager.default.createDirectory(at: package.appendingPathComponent("workers/api"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: package.appendingPathComponent("migrations"), withIntermediateDirectories: true)
        try manifest.write(to: package.appendingPathComponent("techflunky.json"), atomically: true, encoding: .utf8)
        try "export default { fetch() { return new Response('ok') } }".write(to: package.appendingPathComponent("workers/api/index.js"), atomically: true, encoding: .utf8)
        try "CREATE TABLE t (id INTEGER);".write(to: package.appendingPathComponent("migrations/0001_init.sql"), atomically: true, encoding: .utf8)

        let valid = try run(["package", "validate", package.path])
        XCTAssertEqual(valid.status, 0, valid.stdout + valid.stderr)
        XCTAssertTrue(valid.stdout.contains("valid"), valid.stdout)

        // Two problems at once: a bad slug and a migration the bundle lacks.
        try manifest.replacingOccurrences(of: "mini-shop", with: "Mini Shop!")
            .write(to: package.appendingPathComponent("techflunky.json"), atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: package.appendingPathComponent("migrations/0001_init.sql"))
        let invalid = try run(["package", "validate", package.path, "--json"])
        XCTAssertEqual(invalid.status, 1, invalid.stderr)
        let report = try JSONDecoder().decode(PackageReport.self, from: Data(invalid.stdout.utf8))
        XCTAssertFalse(report.valid)
        XCTAssertEqual(Set(report.problems.map(\.path)), ["slug", "cloudflare.d1_databases[0].migrations[0]"])

        let text = try run(["package", "validate", package.path])
        XCTAssertEqual(text.status, 1)
        XCTAssertTrue(text.stdout.contains("2 problems"), text.stdout)
        XCTAssertTrue(text.stdout.contains("cloudflare.d1_databases[0].migrations[0]: "), text.stdout)

        try "{ not json".write(to: package.appendingPathComponent("techflunky.json"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try run(["package", "validate", package.path]).status, 1)
    }

    private struct PackageReport: Decodable {
        var valid: Bool
        var problems: [ManifestProblem]
    }

    func testUsageErrorsExitTwoAndNoPlatformIsExplained() throws {
        XCTAssertEqual(try run(["watch"]).status, 2)
        XCTAssertEqual(try run(["listings", "--limit", "0", "--api", "http://127.0.0.1:1"]).status, 2)
        let unconfigured = try run(["orders"])
        XCTAssertEqual(unconfigured.status, 1)
        XCTAssertTrue(unconfigured.stderr.contains("TECHFLUNKY_API"), unconfigured.stderr)
    }
}

/// Data handed from a reader thread to the test.
private final class LockedBox: @unchecked Sendable {
    // @unchecked: `data` and `done` are only touched under `lock`.
    private let lock = NSLock()
    private var data = Data()
    private var done = false
    func set(_ value: Data) { lock.withLock { data = value; done = true } }
    var isSet: Bool { lock.withLock { done } }
    func get() -> Data { lock.withLock { data } }
}
