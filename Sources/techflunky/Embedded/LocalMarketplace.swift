import Foundation
import Logging
import TechFlunkyCore
import TechFlunkyHTTP
import TechFlunkyPlatform
import TechFlunkySandbox

/// The platform wired to the offline Stripe and Cloudflare stand-ins, both in this process on loopback
/// ports the kernel chooses. Used by the embedded default and by `techflunky serve --sandbox`.
///
/// The platform never imports the sandbox: it reaches it over HTTP, at the base URLs handed over here.
struct LocalMarketplace: Sendable {
    let platform: RunningPlatform
    let sandbox: SandboxServer
    let clock: MovableClock
    /// The Stripe test key this start shares with the stand-in (in memory only).
    let stripeSecretKey: String

    var apiURL: String { platform.baseURL }

    struct Options: Sendable {
        var dataDir: URL
        var host: String = "127.0.0.1"
        var port: Int = 0
        /// Starting offset of the marketplace clock from the wall clock (persisted by the embedded default).
        var clockOffset: TimeInterval = 0
        var seedDemoCatalog = true
        var syntheticListings = 0
        var logger: Logger
    }

    static func start(_ options: Options) async throws -> LocalMarketplace {
        let fm = FileManager.default
        try fm.createDirectory(at: options.dataDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let clock = MovableClock(offsetSeconds: options.clockOffset)
        // One secret per start, known only to this process: the stand-in signs with it, the platform checks it.
        let webhookSecret = "whsec_" + randomHex(24)
        let stripeKey = "sk_test_" + randomHex(24)
        var sandboxLogger = options.logger
        sandboxLogger[metadataKey: "component"] = "sandbox"
        let sandbox = try await SandboxServer.start(SandboxConfiguration(
            dataDir: options.dataDir.appendingPathComponent("sandbox"),
            stripeWebhookSecret: webhookSecret,
            stripeSecretKey: stripeKey,
            host: "127.0.0.1",
            logger: sandboxLogger,
            clock: SandboxClock(base: { clock.now() })
        ))
        var platformLogger = options.logger
        platformLogger[metadataKey: "component"] = "platform"
        let platform: RunningPlatform
        do {
            platform = try await PlatformServer.start(PlatformConfiguration(
                host: options.host,
                port: options.port,
                dbPath: options.dataDir.appendingPathComponent("platform.sqlite").path,
                dataDir: options.dataDir.path,
                stripeAPIBase: sandbox.stripeAPIBase,
                stripeSecretKey: stripeKey,
                stripeWebhookSecret: webhookSecret,
                cloudflareAPIBase: sandbox.cloudflareAPIBase,
                sandboxMode: true,
                clock: clock,
                seedDemoCatalog: options.seedDemoCatalog,
                syntheticListings: options.syntheticListings,
                httpTransport: CurlHTTPClient(),
                logger: platformLogger
            ))
        } catch {
            await sandbox.stop()
            throw error
        }
        await sandbox.setStripeWebhook(url: platform.baseURL + "/api/checkout/webhook", secret: webhookSecret)
        return LocalMarketplace(platform: platform, sandbox: sandbox, clock: clock, stripeSecretKey: stripeKey)
    }

    func stop() async {
        await platform.stop()
        await sandbox.stop()
    }

    static func randomHex(_ bytes: Int) -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &rng)) }.joined()
    }
}
