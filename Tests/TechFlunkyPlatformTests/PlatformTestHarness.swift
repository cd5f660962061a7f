import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import TechFlunkyCore
@testable import TechFlunkyPlatform

/// A platform on a fresh database file in a temporary directory, with a frozen movable clock.
struct PlatformTestHarness {
    let directory: URL
    let clock: MovableClock
    var configuration: PlatformConfiguration

    init(start: Date = Date(timeIntervalSince1970: 1_790_000_000)) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-platform-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        clock = MovableClock(frozenAt: start)
        var logger = Logger(label: "test.platform")
        logger.logLevel = .warning
        configuration = PlatformConfiguration(
            dbPath: directory.appendingPathComponent("platform.sqlite").path,
            dataDir: directory.path,
            stripeWebhookSecret: "whsec_test_secret",
            sandboxMode: true,
            clock: clock,
            holdScanInterval: 0,
            logger: logger
        )
    }

    func services() throws -> PlatformServices { try PlatformServices.openSQLite(configuration) }

    /// Runs `body` against the router in process.
    func withRouter<T: Sendable>(_ services: PlatformServices? = nil, _ body: @Sendable (any TestClientProtocol, PlatformServices) async throws -> T) async throws -> T {
        let services = try services ?? self.services()
        let app = Application(router: PlatformApplication.buildRouter(services: services), logger: services.logger)
        return try await app.test(.router) { client in try await body(client, services) }
    }

    func cleanUp() { try? FileManager.default.removeItem(at: directory) }
}

extension TestResponse {
    func decoded<T: Decodable>(_ type: T.Type) throws -> T { try WireJSON.decode(type, from: Data(body.readableBytesView)) }
    var errorBody: APIErrorBody? { try? decoded(APIErrorBody.self) }
}

func jsonBody<T: Encodable>(_ value: T) throws -> ByteBuffer { ByteBuffer(bytes: try WireJSON.encode(value)) }

func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)", .contentType: "application/json"] }
