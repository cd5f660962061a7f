import Foundation
import Logging
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyDemoCatalog
import TechFlunkyHTTP
import TechFlunkyPlatform
import TechFlunkySandbox

/// The whole marketplace on loopback for client tests: the Stripe and Cloudflare stand-ins and the
/// platform wired to them (as the embedded default wires them), with the demo catalog.
final class LiveMarketplace: Sendable {
    let platform: RunningPlatform
    let sandbox: SandboxServer
    let directory: URL

    var baseURL: String { platform.baseURL }

    static let cloudflareAccountId = "7d3e0a1f5b9c4e2a8f6d1c3b5a7e9f01"
    static let cloudflareToken = "tfsandbox_demo_token_4mZ8qP2vL6xR9tK3wN7c"

    /// The marketplace with the platform on `engine` (a fresh PostgreSQL database for `.postgres`).
    static func with<T: Sendable>(on engine: StorageEngine = .sqlite, _ body: (LiveMarketplace) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-market-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var logger = Logger(label: "test.marketplace")
        logger.logLevel = .critical
        let secret = "whsec_client_tests_\(UUID().uuidString.prefix(8))"
        let key = "sk_test_client_tests"
        let clock = MovableClock(offsetSeconds: 0)
        let sandbox = try await SandboxServer.start(SandboxConfiguration(
            dataDir: directory.appendingPathComponent("sandbox"), stripeWebhookSecret: secret, stripeSecretKey: key,
            logger: logger, clock: MovableClock(following: clock)))
        let platform: RunningPlatform
        do {
            var configuration = PlatformConfiguration(
                dbPath: directory.appendingPathComponent("platform.sqlite").path, dataDir: directory.path,
                stripeAPIBase: sandbox.stripeAPIBase, stripeSecretKey: key, stripeWebhookSecret: secret,
                cloudflareAPIBase: sandbox.cloudflareAPIBase, sandboxMode: true, clock: clock, holdScanInterval: 0,
                demoCatalog: DemoCatalog.directory, httpTransport: CurlHTTPClient(), logger: logger)
            if engine == .postgres { configuration.databaseURL = try await PostgresTestServer.freshDatabaseURL(logger: logger) }
            platform = try await PlatformServer.start(configuration)
            guard (platform.services.postgres != nil) == (engine == .postgres) else {
                await platform.stop()
                throw PostgresTestServerError(message: "the platform did not start on \(engine.rawValue)")
            }
        } catch {
            await sandbox.stop()
            throw error
        }
        await sandbox.setStripeWebhook(url: platform.baseURL + "/api/checkout/webhook", secret: secret)
        let market = LiveMarketplace(platform: platform, sandbox: sandbox, directory: directory)
        do {
            let result = try await body(market)
            await market.stop()
            return result
        } catch {
            await market.stop()
            throw error
        }
    }

    private init(platform: RunningPlatform, sandbox: SandboxServer, directory: URL) {
        self.platform = platform
        self.sandbox = sandbox
        self.directory = directory
    }

    private func stop() async {
        await platform.stop()
        await sandbox.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

extension PlatformClient {
    /// Pays the order through the stand-in's checkout page and waits (up to 10 s) for the webhook to mark it paid.
    func payInSandbox(orderId: String) async throws -> Order {
        try await sandboxPay(orderId: orderId)
        var order = try await order(id: orderId)
        for _ in 0..<200 where order.state == .pendingPayment {
            try await Task.sleep(nanoseconds: 50_000_000)
            order = try await self.order(id: orderId)
        }
        return order
    }
}
