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

/// The embedded default: `techflunky` with no platform configured runs the whole marketplace in this
/// process — the stand-ins and the platform on loopback, data under `$XDG_DATA_HOME/techflunky`, server logs
/// in a file there — and signs in the demo account.
///
/// One process owns a data directory at a time (an flock on `instance.lock`); a second `techflunky` on the
/// same data finds the first through `instance.json` and connects to it as an ordinary client.
struct EmbeddedMarketplace {
    /// What the UI connects to.
    struct Session: Sendable {
        let apiURL: String
        let token: String
        /// Nil when attached to a marketplace another process runs.
        let owned: LocalMarketplace?
        let dataDir: URL
    }

    struct Instance: Codable {
        var pid: Int32
        var apiURL: String
        /// The stand-ins' base URL (hosted checkout pages, `/sandbox/faults`, `/sandbox/trigger/…`).
        var sandboxURL: String?
    }

    struct ClockState: Codable {
        var offsetSeconds: Double
    }

    let dataDir: URL

    init(dataDir: URL = EmbeddedMarketplace.defaultDataDirectory()) {
        self.dataDir = dataDir
    }

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
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg).appendingPathComponent("techflunky")
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".local/share/techflunky")
    }

    var logFile: URL { dataDir.appendingPathComponent("logs/techflunky.log") }
    var instanceFile: URL { dataDir.appendingPathComponent("instance.json") }
    var clockFile: URL { dataDir.appendingPathComponent("clock.json") }
    var worldFile: URL { dataDir.appendingPathComponent("world.json") }
    var lockFile: URL { dataDir.appendingPathComponent("instance.lock") }

    /// Starts (or attaches to) the marketplace. `progress` is told what is happening, for a first start
    /// that builds the demo world and takes a few seconds.
    func open(logger: Logger, progress: @Sendable (String) -> Void = { _ in }) async throws -> Session {
        try prepareDirectory()
        if let attached = try await attachToRunningInstance() { return attached }

        let firstStart = !FileManager.default.fileExists(atPath: worldFile.path)
        let offset = firstStart ? -DemoWorld.history : (readClock() ?? 0)
        if firstStart { progress("Setting up the sandbox marketplace (first start)…") }
        let marketplace = try await LocalMarketplace.start(.init(dataDir: dataDir, clockOffset: offset, logger: logger))
        if firstStart {
            progress("Building the demo world: sales, payouts and a finished deployment…")
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
        try write(Instance(pid: getpid(), apiURL: marketplace.apiURL, sandboxURL: marketplace.sandbox.baseURL), to: instanceFile)
        let client = PlatformClient(baseURL: marketplace.apiURL)
        let token = try await EmbeddedMarketplace.signInDemo(client)
        return Session(apiURL: marketplace.apiURL, token: token, owned: marketplace, dataDir: dataDir)
    }

    /// Persists the clock and removes the instance file; call when the UI has closed.
    func close(_ session: Session) async {
        guard let marketplace = session.owned else { return }
        try? saveClock(marketplace.clock.offsetSeconds)
        try? FileManager.default.removeItem(at: instanceFile)
        await marketplace.stop()
    }

    /// Keeps `clock.json` current while the marketplace runs (the UI's advance key moves the clock).
    func persistClockPeriodically(_ session: Session) -> Task<Void, Never>? {
        guard let marketplace = session.owned else { return nil }
        return Task {
            var last = marketplace.clock.offsetSeconds
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                let now = marketplace.clock.offsetSeconds
                if now != last { try? saveClock(now); last = now }
            }
        }
    }

    // MARK: Instance ownership

    private static let lockHolder = LockHolder()

    /// Holds the flock for the life of the process.
    final class LockHolder: @unchecked Sendable {
        // @unchecked: `fd` is written once under `lock` and read under it.
        private let lock = NSLock()
        private var fd: Int32 = -1

        func acquire(_ path: String) -> Bool {
            lock.lock()
            defer { lock.unlock() }
            if fd >= 0 { return true }
            let f = Foundation.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard f >= 0 else { return false }
            if flock(f, LOCK_EX | LOCK_NB) != 0 { Glibc.close(f); return false }
            fd = f
            return true
        }
    }

    /// Whether another process owns this data directory right now.
    var isOwnedElsewhere: Bool {
        let f = Foundation.open(lockFile.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard f >= 0 else { return false }
        defer { Glibc.close(f) }
        if flock(f, LOCK_EX | LOCK_NB) != 0 { return true }
        flock(f, LOCK_UN)
        return false
    }

    private func attachToRunningInstance() async throws -> Session? {
        if EmbeddedMarketplace.lockHolder.acquire(lockFile.path) { return nil }
        // Another process holds the lock: it is running; find where.
        for _ in 0..<50 {
            if let data = try? Data(contentsOf: instanceFile), let instance = try? JSONDecoder().decode(Instance.self, from: data) {
                let client = PlatformClient(baseURL: instance.apiURL)
                if (try? await client.health()) != nil {
                    let token = try await EmbeddedMarketplace.signInDemo(client)
                    return Session(apiURL: instance.apiURL, token: token, owned: nil, dataDir: dataDir)
                }
            }
            // The owner may still be starting.
            try await Task.sleep(for: .milliseconds(200))
        }
        throw EmbeddedError.dataDirectory("another techflunky owns \(dataDir.path) but does not answer; if none is running, remove \(lockFile.path)")
    }

    // MARK: Files

    private func prepareDirectory() throws {
        do {
            try FileManager.default.createDirectory(at: dataDir.appendingPathComponent("logs"), withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw EmbeddedError.dataDirectory("cannot create the data directory \(dataDir.path): \(error.localizedDescription)")
        }
    }

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
