import Foundation
import Logging

/// How to start the stand-ins.
public struct SandboxConfiguration: Sendable {
    /// Where `sandbox.sqlite` and the D1 database files live; created when missing.
    public var dataDir: URL
    /// The platform's Stripe webhook endpoint (`…/api/checkout/webhook`); nil until the platform is up
    /// (then `SandboxServer.setStripeWebhook`). Events wait in the database until there is one.
    public var stripeWebhookURL: String?
    /// The `whsec_…` signing secret shared with the platform.
    public var stripeWebhookSecret: String
    /// The only Stripe secret key accepted; nil accepts any `sk_test_…` key.
    public var stripeSecretKey: String?
    /// Loopback only: the stand-ins are never exposed on another interface.
    public var host: String
    /// 0 lets the kernel choose.
    public var port: Int
    /// Deliveries tried per event before giving up.
    public var webhookMaxAttempts: Int
    /// Requests per account per 5 minutes before Cloudflare answers 429.
    public var cloudflareRateLimit: Int
    public var logger: Logger
    public var clock: MovableClock
    /// How long Cloudflare calls and certificates take; `SandboxServer.setCloudflarePace` changes it while serving.
    public var cloudflarePace: CloudflarePace
    /// A PEM file of the certificates to trust when webhooks go to an HTTPS endpoint (`serve --sandbox --tls-cert`
    /// with a private or self-signed certificate); nil trusts the system's. Verification stays on either way.
    public var webhookCABundlePath: String?

    public init(dataDir: URL, stripeWebhookURL: String? = nil, stripeWebhookSecret: String = "whsec_sandbox_secret",
                stripeSecretKey: String? = nil, host: String = "127.0.0.1", port: Int = 0, webhookMaxAttempts: Int = 12,
                cloudflareRateLimit: Int = 1_200, logger: Logger = Logger(label: "techflunky.sandbox"),
                clock: MovableClock = MovableClock(), cloudflarePace: CloudflarePace = .instant) {
        self.cloudflarePace = cloudflarePace
        self.dataDir = dataDir
        self.stripeWebhookURL = stripeWebhookURL
        self.stripeWebhookSecret = stripeWebhookSecret
        self.stripeSecretKey = stripeSecretKey
        self.host = host
        self.port = port
        self.webhookMaxAttempts = webhookMaxAttempts
        self.cloudflareRateLimit = cloudflareRateLimit
        self.logger = logger
        self.clock = clock
    }
}
