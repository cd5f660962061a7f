import Foundation
import Logging
import TechFlunkyCore
import TechFlunkyHTTP

/// Everything `techflunky serve` (or a test, or the embedded default) tells the platform.
/// Secrets live here in memory only; `description` never prints them.
public struct PlatformConfiguration: Sendable, CustomStringConvertible {
    /// Address to bind. Loopback by default; tests always use 127.0.0.1.
    public var host: String
    /// Port to bind; 0 lets the kernel choose (read it back from `RunningPlatform.port`).
    public var port: Int
    /// The SQLite database file (the SQLite engine: `databaseURL` nil).
    public var dbPath: String
    /// The PostgreSQL database (`serve --database`, `DATABASE_URL`); nil keeps the platform on the SQLite file at
    /// `dbPath`. Its password lives here in memory only; `description` masks it.
    public var databaseURL: PostgresURL?
    /// The most connections this instance's PostgreSQL pool opens (the change feed's own connection aside).
    public var databaseConnections: Int = 20
    /// Where the package store keeps bundles (`<dataDir>/packages/<slug>/…`).
    public var dataDir: String

    /// Stripe's API base, e.g. `https://api.stripe.com` or the stand-in's loopback URL (no trailing `/v1`).
    public var stripeAPIBase: String
    public var stripeSecretKey: String
    /// The `whsec_…` secret webhook signatures are checked against.
    public var stripeWebhookSecret: String
    /// Cloudflare's API base including `/client/v4`.
    public var cloudflareAPIBase: String

    /// Running against the offline stand-ins: enables `/api/sandbox/*` and says so in `GET /api/me`.
    public var sandboxMode: Bool
    public var clock: any PlatformClock
    public var feePolicy: FeePolicy

    /// The URL buyers' browsers reach this platform at (checkout success/cancel pages). Defaults to
    /// `http://host:port` once the port is known.
    public var publicBaseURL: String?
    /// How often the hold scheduler looks for holds that are due. Zero disables the background loop
    /// (tests call `PayoutHoldService.releaseDue()` themselves).
    public var holdScanInterval: TimeInterval
    /// How long a session token stays valid.
    public var sessionLifetime: TimeInterval
    /// PBKDF2-SHA256 rounds for password hashes (never below 210,000).
    public var passwordRounds: Int

    /// A demo catalog directory (`DemoCatalogLoader`'s format) to load, with the demo account, into an empty
    /// database at start; nil for none. The platform carries no demo data: the executable hands in the
    /// `TechFlunkyDemoCatalog` resource for `serve --demo`/`--sandbox` and the embedded default.
    public var demoCatalog: URL?
    /// Fill this many generated listings at start (scale work); 0 for none.
    public var syntheticListings: Int

    /// The HTTP client the Stripe client uses; nil means none is configured yet and every Stripe call
    /// fails with a clear error (the executable passes the libcurl client).
    public var httpTransport: (any HTTPTransport)?
    public var logger: Logger

    /// Port of the `GET /metrics` listener; nil (the default) serves no metrics. 0 lets the kernel choose
    /// (read it back from `RunningPlatform.metricsPort`).
    public var metricsPort: Int?
    /// Address of the metrics listener: loopback unless the operator opens it to a scraper elsewhere.
    public var metricsHost: String = "127.0.0.1"

    /// HTTPS (TLS 1.3 only) on `host:port` instead of plain HTTP; nil for plain HTTP (loopback, or behind a
    /// terminating proxy).
    public var tls: PlatformTLS?

    /// Seconds between SSE heartbeats on deployment event streams. A watcher that went away is noticed at a
    /// write, so this also bounds how long `techflunky_sse_watchers` counts a gone one (about two intervals).
    public var sseHeartbeatInterval: Double = 10

    /// Seconds a deployment's lease lasts without renewal (`DeploymentOrchestrator.LeasePolicy`): the instance running
    /// a deployment renews it every third of this; when that instance dies, another marks the deployment interrupted
    /// within about twice this.
    public var deploymentLeaseDuration: Double = 15

    /// The key of `secrets.json` (`--secrets-key-file`, `TECHFLUNKY_SECRETS_KEY`): package bundles are sealed with
    /// it at rest and opened with it when deployed. Nil stores bundles in the clear. Memory only.
    public var secretsKey: SecretKey?

    /// Scheduled backups (`serve --backup-dir`); nil takes none.
    public var backupSchedule: BackupSchedule?

    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        dbPath: String,
        dataDir: String,
        stripeAPIBase: String = "https://api.stripe.com",
        stripeSecretKey: String = "",
        stripeWebhookSecret: String = "",
        cloudflareAPIBase: String = "https://api.cloudflare.com/client/v4",
        sandboxMode: Bool = false,
        clock: any PlatformClock = SystemClock(),
        feePolicy: FeePolicy = .standard,
        publicBaseURL: String? = nil,
        holdScanInterval: TimeInterval = 5,
        sessionLifetime: TimeInterval = 30 * 86_400,
        passwordRounds: Int = 210_000,
        demoCatalog: URL? = nil,
        syntheticListings: Int = 0,
        httpTransport: (any HTTPTransport)? = nil,
        logger: Logger = Logger(label: "techflunky.platform")
    ) {
        self.host = host
        self.port = port
        self.dbPath = dbPath
        self.dataDir = dataDir
        self.stripeAPIBase = stripeAPIBase
        self.stripeSecretKey = stripeSecretKey
        self.stripeWebhookSecret = stripeWebhookSecret
        self.cloudflareAPIBase = cloudflareAPIBase
        self.sandboxMode = sandboxMode
        self.clock = clock
        self.feePolicy = feePolicy
        self.publicBaseURL = publicBaseURL
        self.holdScanInterval = holdScanInterval
        self.sessionLifetime = sessionLifetime
        self.passwordRounds = max(passwordRounds, PasswordHasher.minimumRounds)
        self.demoCatalog = demoCatalog
        self.syntheticListings = syntheticListings
        self.httpTransport = httpTransport
        self.logger = logger
    }

    public var description: String {
        "PlatformConfiguration(host: \(host), port: \(port), db: \(databaseURL.map { "\($0)" } ?? dbPath), dataDir: \(dataDir), stripe: \(stripeAPIBase), "
            + "stripeKey: \(stripeSecretKey.isEmpty ? "unset" : "set"), webhookSecret: \(stripeWebhookSecret.isEmpty ? "unset" : "set"), "
            + "cloudflare: \(cloudflareAPIBase), sandbox: \(sandboxMode))"
    }
}
