import Foundation
import TechFlunkySandbox
import Glibc
import Logging
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyHTTP
import TechFlunkyPlatform

enum EmbeddedError: Error, CustomStringConvertible {
    case demoWorld(String)
    case dataDirectory(String)

    var description: String {
        switch self {
        case let .demoWorld(detail): "could not build the demo world: \(detail)"
        case let .dataDirectory(detail): detail
        }
    }
}

/// The embedded default's marketplace: the stand-ins and the platform on loopback, data under
/// `$XDG_DATA_HOME/techflunky`, server logs in a file there, the demo world built on the first start.
///
/// It runs in one background process per data directory, the local sandbox daemon (`SandboxDaemon`,
/// `techflunky sandbox daemon`), which the first `techflunky` that needs it starts (`SandboxLauncher`); every
/// UI and command connects to that one over HTTP, and quitting a UI never stops it.
struct EmbeddedMarketplace {
    struct ClockState: Codable {
        var offsetSeconds: Double
    }

    let dataDir: URL

    init(dataDir: URL = EmbeddedMarketplace.defaultDataDirectory()) {
        self.dataDir = dataDir
    }

    var directory: LocalSandboxDirectory { LocalSandboxDirectory(url: dataDir) }

    /// Signs the demo account (buyer and seller) in on `client` and returns the session token.
    @discardableResult
    static func signInDemo(_ client: PlatformClient) async throws -> String {
        let token = try await client.login(email: DemoCatalogLoader.demoEmail, password: DemoCatalogLoader.demoPassword).token
        client.token = token
        return token
    }

    /// The embedded sandbox's pace: realistic unless `TECHFLUNKY_SANDBOX_PACE` says `instant`.
    static func sandboxPace(environment: [String: String] = ProcessInfo.processInfo.environment) -> CloudflarePace {
        environment["TECHFLUNKY_SANDBOX_PACE"].flatMap(CloudflarePace.init(name:)) ?? .realistic
    }

    static func defaultDataDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        LocalSandboxDirectory.defaultURL(environment: environment)
    }

    var logFile: URL { directory.logFile }
    var clockFile: URL { dataDir.appendingPathComponent("clock.json") }
    var worldFile: URL { dataDir.appendingPathComponent("world.json") }
    var isSeeded: Bool { FileManager.default.fileExists(atPath: worldFile.path) }

    /// Starts the marketplace in this process (the daemon's), building the demo world on the first start.
    func start(logger: Logger) async throws -> LocalMarketplace {
        try directory.prepare()
        let firstStart = !isSeeded
        let offset = firstStart ? -DemoWorld.history : (readClock() ?? 0)
        let marketplace = try await LocalMarketplace.start(.init(dataDir: dataDir, clockOffset: offset, logger: logger))
        if firstStart {
            logger.info("building the demo world (first start)")
            // A demo world that could not be completed is logged, not fatal: the marketplace still works.
            var summary: DemoWorld.Summary
            do {
                summary = try await DemoWorld(marketplace: marketplace, logger: logger).build()
            } catch {
                logger.error("demo world incomplete", metadata: ["error": "\(error)"])
                summary = DemoWorld.Summary(problems: ["\(error)"])
            }
            // Whatever happened, the marketplace clock ends in step with the wall clock.
            let offset = marketplace.clock.offsetSeconds
            if offset < 0 { marketplace.clock.advance(by: -offset) }
            try write(summary, to: worldFile)
        }
        // The demo world is built at once; from here on Cloudflare calls take as long as on the real service,
        // so a person watches the nine steps unfold (TECHFLUNKY_SANDBOX_PACE=instant for scripts and tests).
        marketplace.sandbox.setCloudflarePace(Self.sandboxPace())
        try saveClock(marketplace.clock.offsetSeconds)
        return marketplace
    }

    // MARK: Files

    func readClock() -> TimeInterval? {
        guard let data = try? Data(contentsOf: clockFile) else { return nil }
        return (try? JSONDecoder().decode(ClockState.self, from: data))?.offsetSeconds
    }

    func saveClock(_ offset: TimeInterval) throws {
        try write(ClockState(offsetSeconds: offset), to: clockFile)
    }

    private func write<T: Encodable>(_ value: T, to url: URL) throws {
        let data = try WireJSON.encode(value, pretty: true)
        try data.write(to: url, options: .atomic)
        _ = chmod(url.path, 0o600)
    }
}
