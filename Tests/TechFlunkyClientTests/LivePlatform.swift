import Foundation
import Logging
import TechFlunkyCore
import TechFlunkyPlatform

/// The real platform on 127.0.0.1 with a kernel-chosen port, on a fresh database of `engine`, for client tests.
final class LivePlatform: Sendable {
    let running: RunningPlatform
    let directory: URL

    var baseURL: String { running.baseURL }

    static func start(syntheticListings: Int = 0, on engine: StorageEngine = .sqlite) async throws -> LivePlatform {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-client-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var logger = Logger(label: "test.platform")
        logger.logLevel = .critical
        var configuration = PlatformConfiguration(
            dbPath: directory.appendingPathComponent("platform.sqlite").path,
            dataDir: directory.path,
            sandboxMode: true,
            holdScanInterval: 0,
            syntheticListings: syntheticListings,
            logger: logger
        )
        if engine == .postgres { configuration.databaseURL = try await PostgresTestServer.freshDatabaseURL(logger: logger) }
        let running = try await PlatformServer.start(configuration)
        guard (running.services.postgres != nil) == (engine == .postgres) else {
            await running.stop()
            throw PostgresTestServerError(message: "the platform did not start on \(engine.rawValue)")
        }
        return LivePlatform(running: running, directory: directory)
    }

    private init(running: RunningPlatform, directory: URL) {
        self.running = running
        self.directory = directory
    }

    func stop() async {
        await running.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `body` with a platform that is stopped afterwards, whatever happens.
    static func with<T: Sendable>(syntheticListings: Int = 0, on engine: StorageEngine = .sqlite,
                                  _ body: (LivePlatform) async throws -> T) async throws -> T {
        let platform = try await start(syntheticListings: syntheticListings, on: engine)
        do {
            let result = try await body(platform)
            await platform.stop()
            return result
        } catch {
            await platform.stop()
            throw error
        }
    }
}
