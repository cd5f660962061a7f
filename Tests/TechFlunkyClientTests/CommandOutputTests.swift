import Foundation
import Hummingbird
import TechFlunkyArchive
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyHTTP
import TechFlunkyText
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
        // The child has exited, so its stderr ends soon; a descendant holding it open fails the test, not hangs it.
        guard errData.wait(seconds: 30) else {
            throw CommandRunError("stderr of `techflunky \(arguments.joined(separator: " "))` still open 30 s after it exited")
        }
        return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                   stderr: String(decoding: errData.get(), as: UTF8.self))
    }

    func testListingsJSONIsTheWirePageAndPaginatesPastOnePage() async throws {
        try await forEachServerEngine { engine in try await LivePlatform.with(syntheticListings: 120, on: engine) { platform in
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
        } }
    }

    func testListingsTakeCategoriesInAnyCaseAndPricesInDollars() async throws {
        try await forEachServerEngine { engine in try await LivePlatform.with(syntheticListings: 60, on: engine) { platform in
            let all = try WireJSON.decode(ListingPage.self, from: Data(try self.run(["listings", "--api", platform.baseURL, "--limit", "100", "--json"]).stdout.utf8))
            let category = try XCTUnwrap(all.items.first?.category)
            let lower = try self.run(["listings", "--api", platform.baseURL, "--category", category.lowercased(), "--limit", "100", "--json"])
            XCTAssertEqual(lower.status, 0, lower.stderr)
            let byCategory = try WireJSON.decode(ListingPage.self, from: Data(lower.stdout.utf8))
            XCTAssertFalse(byCategory.items.isEmpty)
            XCTAssertTrue(byCategory.items.allSatisfy { $0.category == category })
            XCTAssertEqual(byCategory.items.count, all.items.filter { $0.category == category }.count)

            let floor = try self.run(["listings", "--api", platform.baseURL, "--min-price", "50k", "--limit", "100", "--json"])
            XCTAssertEqual(floor.status, 0, floor.stderr)
            let expensive = try WireJSON.decode(ListingPage.self, from: Data(floor.stdout.utf8))
            XCTAssertTrue(expensive.items.allSatisfy { $0.askingPrice.minorUnits >= 5_000_000 }, "50k means $50,000")
            XCTAssertEqual(expensive.items.count, all.items.filter { $0.askingPrice.minorUnits >= 5_000_000 }.count)

            let unknown = try self.run(["listings", "--api", platform.baseURL, "--category", "no-such-thing"])
            XCTAssertEqual(unknown.status, 1)
            XCTAssertTrue(unknown.stderr.contains(category), "names the categories there are: \(unknown.stderr)")
            let badPrice = try self.run(["listings", "--api", platform.baseURL, "--min-price", "cheap"])
            XCTAssertEqual(badPrice.status, 2)
        } }
    }

    func testListingsReverseTurnsTheSortAround() async throws {
        try await forEachServerEngine { engine in try await LivePlatform.with(syntheticListings: 30, on: engine) { platform in
            func slugs(_ extra: [String]) throws -> [String] {
                let result = try self.run(["listings", "--api", platform.baseURL, "--sort", "price_asc", "--limit", "30", "--json"] + extra)
                XCTAssertEqual(result.status, 0, result.stderr)
                return try WireJSON.decode(ListingPage.self, from: Data(result.stdout.utf8)).items.map(\.slug)
            }
            let forward = try slugs([])
            XCTAssertEqual(forward.count, 30)
            XCTAssertEqual(try slugs(["--reverse"]), Array(forward.reversed()))
        } }
    }

    func testListingsTextIsAlignedAndPlainWhenNotATerminal() async throws {
        try await forEachServerEngine { engine in try await LivePlatform.with(syntheticListings: 12, on: engine) { platform in
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
        } }
    }

    func testLoginWhoamiLogoutKeepTheTokenFilePrivate() async throws {
        try await forEachServerEngine { engine in try await LivePlatform.with(on: engine) { platform in
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
        } }
    }

    func testShowAndMissingListing() async throws {
        try await forEachServerEngine { engine in try await LivePlatform.with(syntheticListings: 3, on: engine) { platform in
            let page = try await PlatformClient(baseURL: platform.baseURL).listings(ListingQuery(limit: 1))
            let slug = page.items[0].slug
            let shown = try self.run(["show", slug, "--api", platform.baseURL])
            XCTAssertEqual(shown.status, 0, shown.stderr)
            XCTAssertTrue(shown.stdout.contains(page.items[0].title), shown.stdout)
            XCTAssertTrue(shown.stdout.contains("platform fee"), shown.stdout)
            let missing = try self.run(["show", "no-such-thing", "--api", platform.baseURL])
            XCTAssertEqual(missing.status, 1)
            XCTAssertTrue(missing.stderr.contains("not found"), missing.stderr)
        } }
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
            // Escape sequences are removed whole (TextSanitizer, as in the UI); the carriage return becomes a space.
            XCTAssertTrue(text.stdout.contains("Evil Fake"), text.stdout)
            // JSON stays faithful (escaped by the encoder), for machines.
            let json = try Self.run(["listings", "--api", base, "--json"], home: home)
            XCTAssertEqual(try WireJSON.decode(ListingPage.self, from: Data(json.stdout.utf8)).items[0].title, hostile.title)
        }
        let down = try run(["listings", "--api", "http://127.0.0.1:\(try PlatformClientErrorTests.freePort())"])
        XCTAssertEqual(down.status, 1)
        XCTAssertTrue(down.stderr.contains("cannot reach the TechFlunky platform at http://127.0.0.1:"), down.stderr)
    }

    /// One entry of `Tests/Fixtures/hostile-text.json`, the corpus the TUI's canvas is tested with too
    /// (`HostileTextCanvasTests`): `line` is what `TextSanitizer.line` makes of `text`, which the CLI prints.
    private struct HostileText: Decodable {
        var name: String
        var text: String
        var line: String
        var drawn: String

        static func corpus() throws -> [HostileText] {
            let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            return try JSONDecoder().decode([HostileText].self, from: Data(contentsOf: tests.appendingPathComponent("Fixtures/hostile-text.json")))
        }
    }

    /// Payload text of the corpus's escape sequences: none of it may be printed.
    private static let escapePayloads = ["pwned", "evil.example", "cm0gLXJm", "#0;2;0", "52;c", "[31m", "2J"]

    /// What a terminal must never receive from the CLI's text output: escape sequences, controls other than the
    /// line feed, bidi controls, line separators, zero-width spaces, byte-order marks.
    private static func unsafeScalars(_ text: String) -> [String] {
        text.unicodeScalars.filter { $0 != "\n" && TextSanitizer.isUnsafe($0.value) }.map { "U+" + String($0.value, radix: 16) }
    }

    func testHostileCorpusIsPrintedAsTheSanitiserMakesIt() async throws {
        let corpus = try HostileText.corpus()
        XCTAssertGreaterThan(corpus.count, 20)
        let summaries = corpus.enumerated().map { index, entry in Fixtures.summary(index + 1, title: entry.text) }
        let everything = try XCTUnwrap(corpus.last)
        var shown = Fixtures.summary(1, title: everything.text)
        shown.tagline = corpus[2].text
        shown.category = corpus[0].text
        shown.seller.displayName = corpus[3].text
        let listing = Listing(summary: shown, description: corpus.map(\.text).joined(separator: "\n"),
                              package: try WireJSON.decode(PackageManifest.self, from: Data("""
                                  {"id": "pkg_1", "name": "N\\u001b[2J", "slug": "business-1", "version": "1.0.0", "businessAssets": {},
                                   "cloudflare": {"workers": [], "d1_databases": [], "r2_buckets": [], "dns_records": []}}
                                  """.utf8)),
                              assets: [], updatedAt: Fixtures.date)
        try await LoopbackServer.run({ router in
            router.get("api/listings") { _, _ in
                try Response.wire(ListingPage(items: summaries, nextCursor: nil, total: summaries.count))
            }
            router.get("api/listings/business-1") { _, _ in try Response.wire(listing) }
            router.get("api/listings/evil") { _, _ in try Response.apiError(.notFound, code: APIErrorCode.notFound, message: everything.text) }
        }) { [home] base in
            let home = home!
            // The table: every title is the last cell of its row, whole (a pipe), exactly as the sanitiser makes it.
            let table = try Self.run(["listings", "--api", base, "--limit", "100"], home: home)
            XCTAssertEqual(table.status, 0, table.stderr)
            XCTAssertEqual(Self.unsafeScalars(table.stdout), [], table.stdout.debugDescription)
            let rows = table.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            XCTAssertEqual(rows.count, corpus.count + 2, "a header, a row per listing, the final line feed: \(table.stdout)")
            for (index, entry) in corpus.enumerated() {
                XCTAssertTrue(rows[index + 1].hasPrefix("business-\(index + 1) "), rows[index + 1])
                XCTAssertTrue(rows[index + 1].hasSuffix("  " + entry.line), "\(entry.name): \(rows[index + 1].debugDescription)")
            }

            // One listing: title, tagline, fields and every paragraph of the description.
            let detail = try Self.run(["show", "business-1", "--api", base], home: home)
            XCTAssertEqual(detail.status, 0, detail.stderr)
            XCTAssertEqual(Self.unsafeScalars(detail.stdout), [], detail.stdout.debugDescription)
            let lines = detail.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            XCTAssertEqual(lines.first, everything.line + "  " + corpus[2].line)
            XCTAssertTrue(lines.contains { $0.hasSuffix("  " + corpus[0].line) && $0.hasPrefix("Category") }, detail.stdout)
            XCTAssertTrue(lines.contains { $0.hasSuffix("  " + corpus[3].line) && $0.hasPrefix("Seller") }, detail.stdout)
            for entry in corpus where !entry.text.unicodeScalars.contains(where: { [0x0A, 0x0D, 0x2028, 0x2029].contains($0.value) }) {
                XCTAssertTrue(lines.contains(entry.line), "\(entry.name): the description paragraph \(entry.line.debugDescription)")
            }
            XCTAssertTrue(lines.contains("Package N 1.0.0"), detail.stdout)

            // An error that quotes the server's message.
            let missing = try Self.run(["show", "evil", "--api", base], home: home)
            XCTAssertEqual(missing.status, 1)
            XCTAssertEqual(Self.unsafeScalars(missing.stderr), [], missing.stderr.debugDescription)
            XCTAssertTrue(missing.stderr.contains("not found: " + everything.line), missing.stderr)

            for output in [table.stdout, detail.stdout, missing.stderr] {
                for payload in Self.escapePayloads { XCTAssertFalse(output.contains(payload), "\(payload) in \(output)") }
            }
        }
    }

    func testSlugsAreNeverCutAndAPipeGetsWholeValues() async throws {
        var summary = Fixtures.summary(1, title: "A title that is much longer than the sixty cells a terminal would show of it, to be cut there")
        summary.slug = "a-very-long-slug-that-is-well-past-thirty-two-characters-long"
        let long = summary
        try await LoopbackServer.run({ router in
            router.get("api/listings") { _, _ in try Response.wire(ListingPage(items: [long], nextCursor: nil, total: 1)) }
        }) { [home] base in
            for environment in [[:], ["COLUMNS": "300"]] {
                let text = try Self.run(["listings", "--api", base], home: home!, environment: environment)
                XCTAssertEqual(text.status, 0, text.stderr)
                XCTAssertTrue(text.stdout.contains(long.slug + " "), text.stdout)
                XCTAssertTrue(text.stdout.contains(long.title), "a pipe gets the whole title: \(text.stdout)")
                XCTAssertFalse(text.stdout.contains("…"), text.stdout)
            }
            // COLUMNS asks for a width: every row fits it (a terminal would otherwise wrap it), the slug stays whole
            // and the title gives way.
            let narrow = try Self.run(["listings", "--api", base], home: home!, environment: ["COLUMNS": "140"])
            XCTAssertEqual(narrow.status, 0, narrow.stderr)
            for line in narrow.stdout.split(separator: "\n") { XCTAssertLessThanOrEqual(DisplayWidth.of(String(line)), 140, String(line)) }
            XCTAssertTrue(narrow.stdout.contains(long.slug + " "), narrow.stdout)
            XCTAssertTrue(narrow.stdout.contains("A title that is much"), narrow.stdout)
            XCTAssertTrue(narrow.stdout.contains("…"), narrow.stdout)
        }
    }

    func testJSONOutputEscapesEveryScalarATerminalWouldActOn() async throws {
        let hostile = Fixtures.summary(1, title: "C1\u{9B}31m csi \u{85} nel \u{7F} del \u{202E}rtl\u{202C} \u{061C}alm \u{2028} end ❤️")
        try await LoopbackServer.run({ router in
            router.get("api/listings") { _, _ in try Response.wire(ListingPage(items: [hostile], nextCursor: nil, total: 1)) }
            router.get("api/listings/business-1") { _, _ in
                let manifest = try WireJSON.decode(PackageManifest.self, from: Data("""
                    {"id": "pkg_1", "name": "N\u{0085}", "slug": "business-1", "version": "1.0.0", "businessAssets": {},
                     "cloudflare": {"workers": [], "d1_databases": [], "r2_buckets": [], "dns_records": []}}
                    """.utf8))
                return try Response.wire(Listing(summary: hostile, description: "d\u{9D}0;title\u{9C}", package: manifest, assets: [],
                                                 updatedAt: Fixtures.date))
            }
        }) { [home] base in
            for command in [["listings", "--json"], ["show", "business-1", "--json"]] {
                let json = try Self.run(command + ["--api", base], home: home!)
                XCTAssertEqual(json.status, 0, json.stderr)
                let raw = json.stdout.unicodeScalars.filter { Self.terminalActsOn($0.value) }
                XCTAssertEqual(raw.map { String($0.value, radix: 16) }, [], "\(command): raw controls in \(json.stdout.debugDescription)")
                XCTAssertTrue(json.stdout.contains("\\u009B31m"), json.stdout)
                XCTAssertTrue(json.stdout.contains("❤️"), "other text stays as it is: \(json.stdout)")
            }
            let page = try Self.run(["listings", "--json", "--api", base], home: home!)
            XCTAssertEqual(try WireJSON.decode(ListingPage.self, from: Data(page.stdout.utf8)).items[0].title, hostile.title)
        }
    }

    /// DEL, C1 controls, bidi controls and line separators: what `--json` must never print raw.
    static func terminalActsOn(_ v: UInt32) -> Bool {
        (0x7F...0x9F).contains(v) || v == 0x061C || v == 0x200E || v == 0x200F || (0x202A...0x202E).contains(v)
            || (0x2066...0x2069).contains(v) || v == 0x2028 || v == 0x2029
    }

    func testWatchGivesUpWhenThePlatformStaysUnreachable() throws {
        let base = "http://127.0.0.1:\(try PlatformClientErrorTests.freePort())"
        let started = Date()
        let watched = try run(["watch", "dep_123", "--api", base, "--timeout", "2"], environment: ["TECHFLUNKY_TOKEN": "t"])
        XCTAssertEqual(watched.status, 1, watched.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 30, "gave up in bounded time")
        XCTAssertTrue(watched.stderr.contains("cannot reach the TechFlunky platform at \(base)"), watched.stderr)
        XCTAssertTrue(watched.stderr.contains("no connection for 2 s"), watched.stderr)
        XCTAssertTrue(watched.stderr.contains("Check --api"), "says what to check: \(watched.stderr)")
        XCTAssertEqual(try run(["watch", "dep_123", "--timeout", "0"]).status, 2)
    }

    func testUsageMistakesExitTwoWithTheirOwnMessage() throws {
        let badURL = try run(["listings", "--api", "not-a-url"])
        XCTAssertEqual(badURL.status, 2, badURL.stderr)
        XCTAssertTrue(badURL.stderr.contains("is not an http(s) URL"), badURL.stderr)

        let negative = try run(["listings", "--limit", "-5", "--api", "http://127.0.0.1:1"])
        XCTAssertEqual(negative.status, 2, negative.stderr)
        XCTAssertTrue(negative.stderr.contains("--limit must be a positive number"), negative.stderr)
        XCTAssertFalse(negative.stderr.contains("Missing value"), negative.stderr)

        let emptyToken = try run(["deploy", "ord_1", "--account-id", "acc", "--token-stdin", "--api", "http://127.0.0.1:1"], stdin: "\n")
        XCTAssertEqual(emptyToken.status, 2, emptyToken.stderr)
        XCTAssertTrue(emptyToken.stderr.contains("the Cloudflare API token is empty"), emptyToken.stderr)
        XCTAssertTrue(emptyToken.stderr.contains("Usage: techflunky deploy"), "deploy's usage, not the top level's: \(emptyToken.stderr)")
        XCTAssertFalse(emptyToken.stderr.contains("<subcommand>"), emptyToken.stderr)

        // The deploy form's and the platform's rules (Core's DeployRequestValidator), checked before anything is sent.
        let token = "cf-test-token-0123456789abcdefSECRET\n"
        let badAccount = try run(["deploy", "ord_1", "--account-id", "acc", "--token-stdin", "--api", "http://127.0.0.1:1"], stdin: token)
        XCTAssertEqual(badAccount.status, 2, badAccount.stderr)
        XCTAssertTrue(badAccount.stderr.contains("--account-id: A Cloudflare account id is 32 hexadecimal digits"), badAccount.stderr)
        let badDomain = try run(["deploy", "ord_1", "--account-id", String(repeating: "ab", count: 16), "--domain", "https://shop.example.com",
                                 "--token-stdin", "--api", "http://127.0.0.1:1"], stdin: token)
        XCTAssertEqual(badDomain.status, 2, badDomain.stderr)
        XCTAssertTrue(badDomain.stderr.contains("--domain: Enter a hostname such as shop.example.com"), badDomain.stderr)
        let shortToken = try run(["deploy", "ord_1", "--account-id", String(repeating: "ab", count: 16), "--token-stdin", "--api", "http://127.0.0.1:1"],
                                 stdin: "short\n")
        XCTAssertEqual(shortToken.status, 2, shortToken.stderr)
        XCTAssertTrue(shortToken.stderr.contains("too short for a Cloudflare API token"), shortToken.stderr)
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

        // A broken listing.json is named as such, not as the manifest.
        try manifest.write(to: package.appendingPathComponent("techflunky.json"), atomically: true, encoding: .utf8)
        try "{ \"title\": ".write(to: package.appendingPathComponent("listing.json"), atomically: true, encoding: .utf8)
        let brokenListing = try run(["package", "validate", package.path])
        XCTAssertEqual(brokenListing.status, 1)
        XCTAssertTrue(brokenListing.stdout.contains("listing.json is not valid JSON"), brokenListing.stdout)
        XCTAssertFalse(brokenListing.stdout.contains("techflunky.json is not valid JSON"), brokenListing.stdout)
        try FileManager.default.removeItem(at: package.appendingPathComponent("listing.json"))

        try "{ not json".write(to: package.appendingPathComponent("techflunky.json"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try run(["package", "validate", package.path]).status, 1)
    }

    func testPackagePublishUploadsListingAndEveryFileOnlyWhenValid() async throws {
        let package = home.appendingPathComponent("shop")
        try FileManager.default.createDirectory(at: package.appendingPathComponent("workers/api"), withIntermediateDirectories: true)
        try """
            {"id": "pkg_shop", "name": "Shop", "slug": "tiny-shop", "version": "1.0.0",
             "cloudflare": {"workers": [{"name": "shop-api", "main": "workers/api/index.js", "compatibility_date": "2024-09-01", "bindings": []}],
                            "d1_databases": [], "r2_buckets": [], "dns_records": []},
             "businessAssets": {}}
            """.write(to: package.appendingPathComponent("techflunky.json"), atomically: true, encoding: .utf8)
        let worker = Data("export default { fetch() { return new Response('\u{00E9}') } }".utf8)
        try worker.write(to: package.appendingPathComponent("workers/api/index.js"))
        let listing = PublishListingRequest(title: "Tiny Shop", tagline: "Small", description: "A tiny shop.", category: "E-commerce",
                                            askingPrice: .usd(1_000_000), monthlyRevenue: .usd(50_000), monthlyProfit: .usd(20_000),
                                            ageMonths: 6, techStack: ["Workers"], monthlyVisitors: 100)
        try WireJSON.encode(listing).write(to: package.appendingPathComponent("listing.json"))

        let received = LockedValue<ListingUploadRequest?>(nil)
        let home = self.home!
        try await LoopbackServer.run({ router in
            router.post("api/seller/listings") { request, context in
                var request = request
                // The package arrives as one .tar.gz with listing.json inside (the JSON form is the old one).
                XCTAssertEqual(request.headers[.contentType], "application/gzip")
                let body = Data(buffer: try await request.collectBody(upTo: 1 << 22))
                let files = try BundleArchive.files(inGzip: Array(body), limits: ArchiveLimits(maxFiles: 10, maxTotalBytes: 1 << 20, maxFileBytes: 1 << 20))
                let listing = try WireJSON.decode(PublishListingRequest.self, from: Data(try XCTUnwrap(files.first { $0.path == "listing.json" }).contents))
                let upload = ListingUploadRequest(listing: listing, bundle: PackageBundle(files: files.filter { $0.path != "listing.json" }
                    .map { BundleFile(path: $0.path, content: Data($0.contents)) }))
                received.withValue { $0 = upload }
                let summary = Fixtures.summary(9, title: upload.listing.title)
                let manifest = try WireJSON.decode(PackageManifest.self, from: upload.bundle!.manifestData!)
                return try Response.wire(Listing(summary: summary, description: upload.listing.description, package: manifest, assets: [],
                                                 updatedAt: Fixtures.date), status: .created)
            }
        }) { base in
            let published = try Self.run(["package", "publish", package.path, "--api", base], home: home, environment: ["TECHFLUNKY_TOKEN": "t"])
            XCTAssertEqual(published.status, 0, published.stderr)
            XCTAssertTrue(published.stdout.contains("Published Tiny Shop"), published.stdout)
        }
        let upload = try XCTUnwrap(received.withValue { $0 })
        XCTAssertEqual(upload.listing, listing)
        XCTAssertEqual(upload.bundle?.paths, ["techflunky.json", "workers/api/index.js"])
        XCTAssertEqual(upload.bundle?.files.first { $0.path == "workers/api/index.js" }?.content, worker)

        // A broken package is not uploaded at all.
        received.withValue { $0 = nil }
        try FileManager.default.removeItem(at: package.appendingPathComponent("workers/api/index.js"))
        try await LoopbackServer.run({ router in
            router.post("api/seller/listings") { _, _ in
                received.withValue { $0 = ListingUploadRequest(listing: listing, bundle: nil) }
                return Response(status: .created)
            }
        }) { base in
            let refused = try Self.run(["package", "publish", package.path, "--api", base], home: home, environment: ["TECHFLUNKY_TOKEN": "t"])
            XCTAssertEqual(refused.status, 1)
            XCTAssertTrue(refused.stdout.contains("cloudflare.workers[0].main"), refused.stdout)
            XCTAssertTrue(refused.stdout.contains("nothing was uploaded"), refused.stdout)
        }
        XCTAssertNil(received.withValue { $0 })
    }

    private struct PackageReport: Decodable {
        var valid: Bool
        var problems: [ManifestProblem]
    }

    func testBuyPayDeployAndWatchAsAScriptWould() async throws {
        try await forEachServerEngine { engine in try await LiveMarketplace.with(on: engine) { market in
            let buyer = PlatformClient(baseURL: market.baseURL)
            let token = try await buyer.signup(email: "script@example.com", password: "a long script password", displayName: "Script").token
            let slug = try await buyer.listings(ListingQuery(sort: .priceAsc, limit: 1)).items[0].slug
            let env = ["TECHFLUNKY_API": market.baseURL, "TECHFLUNKY_TOKEN": token]

            let bought = try self.run(["buy", slug, "--pay-with-test-card", "--json"], environment: env)
            XCTAssertEqual(bought.status, 0, bought.stderr)
            let lines = bought.stdout.split(separator: "\n")
            XCTAssertEqual(lines.count, 2, bought.stdout)
            let session = try WireJSON.decode(CheckoutSessionResponse.self, from: Data(lines[0].utf8))
            let order = try WireJSON.decode(Order.self, from: Data(lines[1].utf8))
            XCTAssertEqual(order.id, session.orderId)
            XCTAssertTrue(order.isDeployable)

            // The token comes on stdin, never as a flag.
            let deployed = try self.run(["deploy", order.id, "--account-id", LiveMarketplace.cloudflareAccountId, "--token-stdin", "--json"],
                                        stdin: LiveMarketplace.cloudflareToken + "\n", environment: env)
            XCTAssertEqual(deployed.status, 0, deployed.stderr)
            let accepted = try WireJSON.decode(DeployAccepted.self, from: Data(deployed.stdout.utf8))
            XCTAssertFalse(deployed.stdout.contains(LiveMarketplace.cloudflareToken))

            let watched = try self.run(["watch", accepted.deploymentId, "--json"], environment: env)
            let events = try watched.stdout.split(separator: "\n").map { try WireJSON.decode(DeploymentEvent.self, from: Data($0.utf8)) }
            XCTAssertEqual(events.map(\.seq), Array(1...events.count), "NDJSON: every event once, in order")
            let final = try XCTUnwrap(events.last)
            XCTAssertTrue(final.isFinal)
            let expected: Int32 = switch final.state {
            case .succeeded: 0
            case .interrupted: 3
            default: 1
            }
            XCTAssertEqual(watched.status, expected, "exit code follows the final state \(String(describing: final.state))")

            let text = try self.run(["watch", accepted.deploymentId], environment: env)
            XCTAssertEqual(text.status, expected)
            XCTAssertTrue(text.stdout.contains("[1/9] Verify Cloudflare credentials"), text.stdout)
            XCTAssertTrue(text.stdout.contains("deployment \(final.state!.rawValue)"), text.stdout)
        } }
    }

    func testWithNothingConfiguredCommandsRunOnTheLocalSandbox() throws {
        let env = ["XDG_DATA_HOME": home.appendingPathComponent("data").path, "TECHFLUNKY_SANDBOX_PACE": "instant"]
        // The first command starts the sandbox daemon, which goes on after it: the test stops it.
        defer { _ = try? run(["sandbox", "stop", "--force"], environment: env) }
        let first = try run(["listings", "--limit", "3", "--json"], environment: env)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(try WireJSON.decode(ListingPage.self, from: Data(first.stdout.utf8)).items.count, 3)
        XCTAssertTrue(first.stderr.contains("first start"), "progress goes to stderr, not into the JSON: \(first.stderr)")
        // The second run reuses the same data: the demo account's orders are there, signed in by itself.
        let orders = try run(["orders", "--json"], environment: env)
        XCTAssertEqual(orders.status, 0, orders.stderr)
        XCTAssertFalse(try WireJSON.decode(OrdersResponse.self, from: Data(orders.stdout.utf8)).orders.isEmpty)
        XCTAssertFalse(orders.stderr.contains("first start"))
        // Both commands used one daemon, which outlived them.
        let status = try run(["sandbox", "status", "--json"], environment: env)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any], status.stderr)
        XCTAssertEqual(report["running"] as? Bool, true, status.stdout)
        XCTAssertEqual(report["answering"] as? Bool, true, status.stdout)
        let stop = try run(["sandbox", "stop"], environment: env)
        XCTAssertEqual(stop.status, 0, stop.stderr)
        XCTAssertTrue(stop.stdout.contains("stopped the local sandbox"), stop.stdout)
        let after = try run(["sandbox", "status", "--json"], environment: env)
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any])?["running"] as? Bool, false, after.stdout)
    }

    func testUsageErrorsExitTwoAndNoPlatformIsExplained() throws {
        XCTAssertEqual(try run(["watch"]).status, 2)
        XCTAssertEqual(try run(["listings", "--limit", "0", "--api", "http://127.0.0.1:1"]).status, 2)
        // Login needs a named platform (the local sandbox signs in by itself).
        let unconfigured = try run(["login", "--password-stdin", "--email", "a@b.c"], stdin: "pw\n")
        XCTAssertEqual(unconfigured.status, 1)
        XCTAssertTrue(unconfigured.stderr.contains("TECHFLUNKY_API"), unconfigured.stderr)
    }
}

/// Data handed from a reader thread to the test.
private final class LockedBox: @unchecked Sendable {
    // @unchecked: `data` is only touched under `lock`; `ready` is a semaphore (thread-safe itself).
    private let lock = NSLock()
    private var data = Data()
    private let ready = DispatchSemaphore(value: 0)
    func set(_ value: Data) {
        lock.withLock { data = value }
        ready.signal()
    }
    /// Waits up to `seconds` for `set`; false when it did not come.
    func wait(seconds: Double) -> Bool { ready.wait(timeout: .now() + seconds) == .success }
    func get() -> Data { lock.withLock { data } }
}

private struct CommandRunError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
