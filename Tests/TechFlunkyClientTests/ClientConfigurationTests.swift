import Foundation
import TechFlunkyClient
import TechFlunkyText
import XCTest

final class ClientConfigurationTests: XCTestCase {
    private var home: URL!

    override func setUp() {
        home = FileManager.default.temporaryDirectory.appendingPathComponent("tf-config-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: home)
    }

    private func writeConfig(_ text: String, xdg: URL) throws {
        let dir = xdg.appendingPathComponent("techflunky")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try text.write(to: dir.appendingPathComponent("config.toml"), atomically: true, encoding: .utf8)
    }

    func testFlagBeatsEnvironmentBeatsConfigFile() throws {
        let xdg = home.appendingPathComponent("xdg")
        try writeConfig("api = \"https://file.example/\"\n", xdg: xdg)
        var env = ["HOME": home.path, "XDG_CONFIG_HOME": xdg.path]
        var config = try ClientConfiguration.resolve(apiFlag: nil, environment: env)
        XCTAssertEqual(config.apiURL, "https://file.example")
        XCTAssertEqual(config.apiURLSource, .configFile)

        env["TECHFLUNKY_API"] = "http://127.0.0.1:9000"
        config = try ClientConfiguration.resolve(apiFlag: nil, environment: env)
        XCTAssertEqual(config.apiURL, "http://127.0.0.1:9000")
        XCTAssertEqual(config.apiURLSource, .environment)

        config = try ClientConfiguration.resolve(apiFlag: "https://flag.example", environment: env)
        XCTAssertEqual(config.apiURL, "https://flag.example")
        XCTAssertEqual(config.apiURLSource, .flag)
    }

    func testNoURLAnywhereMeansEmbeddedDefault() throws {
        let config = try ClientConfiguration.resolve(apiFlag: nil, environment: ["HOME": home.path])
        XCTAssertNil(config.apiURL)
        XCTAssertEqual(config.directory.url.path, home.appendingPathComponent(".config/techflunky").path)
    }

    func testRelativeXDGConfigHomeIsIgnored() {
        let dir = ConfigDirectory.resolve(environment: ["HOME": home.path, "XDG_CONFIG_HOME": "relative/dir"])
        XCTAssertEqual(dir.url.path, home.appendingPathComponent(".config/techflunky").path)
    }

    func testInvalidURLIsAClearError() {
        XCTAssertThrowsError(try ClientConfiguration.resolve(apiFlag: "ftp://x", environment: ["HOME": home.path])) { error in
            XCTAssertTrue(String(describing: error).contains("--api"), "\(error)")
            XCTAssertTrue(String(describing: error).contains("not an http(s) URL"), "\(error)")
        }
    }

    func testBrokenConfigFileNamesTheFile() throws {
        let xdg = home.appendingPathComponent("xdg")
        try writeConfig("api = \n", xdg: xdg)
        XCTAssertThrowsError(try ClientConfiguration.resolve(apiFlag: nil, environment: ["HOME": home.path, "XDG_CONFIG_HOME": xdg.path])) { error in
            XCTAssertTrue(String(describing: error).contains("config.toml"), "\(error)")
        }
    }

    func testTokenFileIsPrivateAndKeyedByURL() throws {
        let directory = ConfigDirectory(url: home.appendingPathComponent("cfg"))
        let store = SessionTokenStore(directory: directory)
        try store.save(token: "tok-a", for: "http://a.example")
        try store.save(token: "tok-b", for: "http://b.example")

        let attributes = try FileManager.default.attributesOfItem(atPath: directory.tokenFile.path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let dirAttributes = try FileManager.default.attributesOfItem(atPath: directory.url.path)
        XCTAssertEqual((dirAttributes[.posixPermissions] as? NSNumber)?.intValue, 0o700)

        XCTAssertEqual(try store.token(for: "http://a.example"), "tok-a")
        XCTAssertEqual(try store.token(for: "http://b.example"), "tok-b")
        XCTAssertNil(try store.token(for: "http://c.example"))
        XCTAssertTrue(try store.remove(for: "http://a.example"))
        XCTAssertNil(try store.token(for: "http://a.example"))
        XCTAssertEqual(try store.token(for: "http://b.example"), "tok-b")
        // Still private after a rewrite, with no temporary files left behind.
        let again = try FileManager.default.attributesOfItem(atPath: directory.tokenFile.path)
        XCTAssertEqual((again[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.url.path), ["session.json"])
    }

    func testTokenFileIsPrivateEvenUnderPermissiveUmask() throws {
        let previous = umask(0)
        defer { umask(previous) }
        let directory = ConfigDirectory(url: home.appendingPathComponent("cfg2"))
        try SessionTokenStore(directory: directory).save(token: "t", for: "http://x")
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.tokenFile.path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
    }

    func testEnvironmentTokenOverridesTokenFile() throws {
        let xdg = home.appendingPathComponent("xdg")
        let directory = ConfigDirectory.resolve(environment: ["HOME": home.path, "XDG_CONFIG_HOME": xdg.path])
        try SessionTokenStore(directory: directory).save(token: "from-file", for: "http://127.0.0.1:1")
        var env = ["HOME": home.path, "XDG_CONFIG_HOME": xdg.path, "TECHFLUNKY_API": "http://127.0.0.1:1/"]
        XCTAssertEqual(try ClientConfiguration.resolve(apiFlag: nil, environment: env).token, "from-file")
        env["TECHFLUNKY_TOKEN"] = "from-env"
        let config = try ClientConfiguration.resolve(apiFlag: nil, environment: env)
        XCTAssertEqual(config.token, "from-env")
        XCTAssertTrue(config.tokenFromEnvironment)
    }

    /// The server's words in an error go through the sanitiser the TUI draws with: an escape sequence goes whole
    /// (its payload too), other controls become visible pictures, bidi controls and invisible separators vanish.
    func testErrorsShowTheServersWordsThroughTheTUIsSanitiser() {
        XCTAssertEqual(ClientError.notFound(message: "ok\u{1B}[31mred\u{07}").description, "not found: okred\u{2407}")
        XCTAssertEqual(ClientError.notFound(message: "x\u{1B}]0;pwned\u{07}y").description, "not found: xy")
        XCTAssertEqual(ClientError.notFound(message: "a\rb\nc\td").description, "not found: a b c d")
        XCTAssertEqual(ClientError.notFound(message: "x\u{9B}2Jy\u{7F}").description, "not found: xy\u{2421}")
        XCTAssertEqual(ClientError.notFound(message: "abc\u{202E}fed\u{200B}\u{FEFF}").description, "not found: abcfed")
        XCTAssertEqual(ClientError.notFound(message: "one\u{2028}two\u{2029}three").description, "not found: one two three")
        XCTAssertEqual(ClientError.notFound(message: "Café 日本 👍🏽").description, "not found: Café 日本 👍🏽")
        XCTAssertEqual(ClientError.serverError(status: 500, message: "\u{1B}[2Jboom").description, "the platform failed (HTTP 500): boom")
    }

    func testARefusedAPIURLIsQuotedSafely() {
        XCTAssertThrowsError(try ClientConfiguration.normalize("ftp://x\u{1B}]0;pwned\u{07}\u{202E}", source: .flag)) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("\"ftp://x\" is not an http(s) URL"), text)
            XCTAssertFalse(text.contains("pwned"), text)
            XCTAssertFalse(text.unicodeScalars.contains { TextSanitizer.isUnsafe($0.value) }, text.debugDescription)
        }
    }
}
