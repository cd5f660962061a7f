import Foundation
import Logging
import TechFlunkyCore
import TechFlunkyDemoCatalog
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
        var sandboxLogger = options.logger
        sandboxLogger[metadataKey: "component"] = "sandbox"
        let standIns = try await StandIns.start(dataDir: options.dataDir, clock: clock, logger: sandboxLogger)
        let sandbox = standIns.server
        let webhookSecret = standIns.webhookSecret
        let stripeKey = standIns.stripeSecretKey
        var platformLogger = options.logger
        platformLogger[metadataKey: "component"] = "platform"
        var configuration = PlatformConfiguration(
            host: options.host,
            port: options.port,
            dbPath: options.dataDir.appendingPathComponent("platform.sqlite").path,
            dataDir: options.dataDir.path,
            demoCatalog: options.seedDemoCatalog ? DemoCatalog.directory : nil,
            syntheticListings: options.syntheticListings,
            httpTransport: CurlHTTPClient(),
            logger: platformLogger
        )
        standIns.configure(&configuration, clock: clock)
        let platform: RunningPlatform
        do {
            platform = try await PlatformServer.start(configuration)
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

/// The Stripe and Cloudflare stand-ins for one platform, with the Stripe key and webhook secret they share
/// (fresh for each start, known only to this process). Used by the embedded default and `serve --sandbox`.
struct StandIns: Sendable {
    let server: SandboxServer
    let stripeSecretKey: String
    let webhookSecret: String

    /// Starts the stand-ins on a loopback port, their state under `<dataDir>/sandbox`, on the platform's clock.
    /// `webhookCABundle`: what to trust when the platform's webhook endpoint is HTTPS (`serve --sandbox --tls-cert`).
    static func start(dataDir: URL, clock: MovableClock, logger: Logger, webhookCABundle: String? = nil) async throws -> StandIns {
        let webhookSecret = "whsec_" + LocalMarketplace.randomHex(24)
        let stripeKey = "sk_test_" + LocalMarketplace.randomHex(24)
        var configuration = SandboxConfiguration(
            dataDir: dataDir.appendingPathComponent("sandbox"),
            stripeWebhookSecret: webhookSecret,
            stripeSecretKey: stripeKey,
            host: "127.0.0.1",
            logger: logger,
            clock: MovableClock(following: clock)
        )
        configuration.webhookCABundlePath = webhookCABundle
        let server = try await SandboxServer.start(configuration)
        return StandIns(server: server, stripeSecretKey: stripeKey, webhookSecret: webhookSecret)
    }

    /// Points a platform configuration at these stand-ins, in sandbox mode, on `clock`.
    func configure(_ configuration: inout PlatformConfiguration, clock: MovableClock) {
        configuration.sandboxMode = true
        configuration.clock = clock
        configuration.stripeAPIBase = server.stripeAPIBase
        configuration.stripeSecretKey = stripeSecretKey
        configuration.stripeWebhookSecret = webhookSecret
        configuration.cloudflareAPIBase = server.cloudflareAPIBase
    }
}
