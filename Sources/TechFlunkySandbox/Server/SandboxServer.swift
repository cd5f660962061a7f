import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import TechFlunkyHTTP
import Synchronization

/// The offline Stripe and Cloudflare stand-ins, served in-process by one Hummingbird application on a
/// loopback port the kernel chooses.
///
/// ```swift
/// let sandbox = try await SandboxServer.start(SandboxConfiguration(dataDir: dir, stripeWebhookSecret: "whsec_…"))
/// sandbox.stripeAPIBase        // http://127.0.0.1:PORT        (clients append /v1/…)
/// sandbox.cloudflareAPIBase    // http://127.0.0.1:PORT/client/v4
/// await sandbox.stop()
/// ```
public final class SandboxServer: Sendable {
    /// `http://127.0.0.1:PORT`: hosted pages (`/checkout/{id}`) and the sandbox API (`/sandbox/…`).
    public let baseURL: String
    public let port: Int
    /// Stripe's base: a client appends `/v1/…`.
    public var stripeAPIBase: String { baseURL }
    /// Cloudflare's base, ending in `/client/v4`.
    public var cloudflareAPIBase: String { baseURL + "/client/v4" }

    public let faults: FaultInjector
    public let clock: MovableClock
    let stripe: StripeStandIn
    let cloudflare: CloudflareStandIn
    private let task: Mutex<Task<Void, Error>?>
    /// Runs the application so `stop()` can shut it down gracefully (listener closed first, open
    /// connections finished) instead of cancelling it mid-accept, which NIO traps on.
    private let group: ServiceGroup
    private let sweeper: Mutex<Task<Void, Never>?>

    private init(baseURL: String, port: Int, faults: FaultInjector, clock: MovableClock, stripe: StripeStandIn,
                 cloudflare: CloudflareStandIn, task: Task<Void, Error>, group: ServiceGroup) {
        self.group = group
        self.cloudflare = cloudflare
        self.baseURL = baseURL
        self.port = port
        self.faults = faults
        self.clock = clock
        self.stripe = stripe
        self.task = Mutex(task)
        self.sweeper = Mutex(nil)
    }

    /// Opens (or creates) the state under `configuration.dataDir` and starts serving.
    public static func start(_ configuration: SandboxConfiguration) async throws -> SandboxServer {
        guard configuration.host == "127.0.0.1" || configuration.host == "::1" || configuration.host == "localhost" else {
            throw SandboxError.notLoopback(configuration.host)
        }
        let parts = try SandboxParts(configuration)
        let router = parts.router()
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            // Hummingbird reports the cancellation that stops it as an error; the sandbox logs its own events
            // through `configuration.logger`, so the server's own logger only passes what is critical.
            logger: {
                var quiet = configuration.logger
                quiet.logLevel = .critical
                return quiet
            }()
        )
        var groupConfiguration = ServiceGroupConfiguration(services: [app], logger: configuration.logger)
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(2)
        let group = ServiceGroup(configuration: groupConfiguration)
        let task = Task {
            // If the server cannot bind, nothing yields a port: end the stream so `start` reports it.
            defer { portContinuation.finish() }
            try await group.run()
        }
        var port = 0
        for await p in portStream { port = p }
        guard port > 0 else {
            task.cancel()
            _ = await task.result
            throw SandboxError.couldNotStart(configuration.host, configuration.port)
        }
        let base = "http://\(configuration.host == "::1" ? "[::1]" : configuration.host):\(port)"
        parts.stripe.publicBase = base
        await parts.deliverer.start()
        let server = SandboxServer(baseURL: base, port: port, faults: parts.faults, clock: parts.clock, stripe: parts.stripe,
                                   cloudflare: parts.cloudflare, task: task, group: group)
        server.sweeper.withLock {
            $0 = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    try? await parts.stripe.sweepExpiredSessions()
                }
            }
        }
        configuration.logger.info("sandbox listening", metadata: ["stripe": "\(base)", "cloudflare": "\(base)/client/v4"])
        return server
    }

    /// Forgets everything the stand-ins stored under `dataDir` (Stripe objects, Cloudflare accounts, D1 files);
    /// the next start seeds the demo account again. Only the sandbox's own files are removed. Call while stopped.
    public static func resetState(dataDir: URL) throws {
        let fm = FileManager.default
        for name in ["sandbox.sqlite", "sandbox.sqlite-wal", "sandbox.sqlite-shm", "sandbox.sqlite-journal", "d1"] {
            let url = dataDir.appendingPathComponent(name)
            if fm.fileExists(atPath: url.path) { try fm.removeItem(at: url) }
        }
    }

    /// Stops serving; in-flight webhook retries stay queued in the database for the next start.
    public func stop() async {
        sweeper.withLock { $0?.cancel() }
        await stripe.deliverer.stop()
        let t = task.withLock { t -> Task<Void, Error>? in defer { t = nil }; return t }
        await group.triggerGracefulShutdown()
        _ = await t?.result
    }

    /// Where Stripe events go from now on (the platform starts after the sandbox in the embedded default).
    public func setStripeWebhook(url: String, secret: String) async {
        await stripe.deliverer.setEndpoint(.init(url: url, secret: secret))
    }

    /// A new, empty Cloudflare account; answers its id.
    public func createCloudflareAccount(name: String = "Sandbox account") throws -> String {
        try cloudflare.createAccount(name: name)
    }

    /// A new API token for `accountId` holding `permissions`; answers the token value (kept only as a digest).
    public func createCloudflareToken(accountId: String, permissions: Set<CloudflarePermission> = CloudflarePermission.deployment) throws -> String {
        try cloudflare.createToken(accountId: accountId, permissions: permissions)
    }

    /// A new account-owned token (Cloudflare's recommended kind): `/user/tokens/verify` refuses it with code
    /// 1000; `/accounts/{id}/tokens/verify` checks it.
    public func createCloudflareAccountToken(accountId: String, permissions: Set<CloudflarePermission> = CloudflarePermission.deployment) throws -> String {
        try cloudflare.createToken(accountId: accountId, permissions: permissions, owner: .account)
    }

    /// How long Cloudflare calls and certificates take from now on.
    public func setCloudflarePace(_ pace: CloudflarePace) { cloudflare.setPace(pace) }
    public var cloudflarePace: CloudflarePace { cloudflare.currentPace }

    /// Disables (or re-enables) a token, as revoking it in the dashboard would.
    public func setCloudflareTokenActive(_ token: String, _ active: Bool) throws {
        try cloudflare.setTokenStatus(token, status: active ? "active" : "disabled")
    }

    /// The demo account seeded on first start: its id, a token with every permission, a zone and a workers.dev subdomain.
    public static let demoCloudflareAccountId = CloudflareStandIn.demoAccountId
    public static let demoCloudflareToken = CloudflareStandIn.demoToken
    public static let demoZone = CloudflareStandIn.demoZone

    /// Where the sandbox answers for `https://<script>.<subdomain>.workers.dev` (only `/health`).
    public func workersDevURL(script: String, subdomain: String) -> String {
        "\(baseURL)/workers.dev/\(script).\(subdomain).workers.dev"
    }

    /// Where the sandbox answers a deployed Worker's public URL: `https://<host>/<path>` becomes
    /// `{baseURL}/workers.dev/<host>/<path>` (host `<script>.<subdomain>.workers.dev`, or a Workers Custom
    /// Domain once its certificate is active; a CNAME to workers.dev does not route, as on Cloudflare). Other URLs are returned unchanged. Plug into the smoke check's URL rewrite.
    public func smokeCheckURL(for url: String) -> String {
        guard let components = URLComponents(string: url), components.scheme == "https" || components.scheme == "http",
              let host = components.host, !host.isEmpty, host != "127.0.0.1", host != "localhost" else { return url }
        var path = components.percentEncodedPath
        if !path.hasPrefix("/") { path = "/" + path }
        if let query = components.percentEncodedQuery { path += "?" + query }
        return "\(baseURL)/workers.dev/\(host)\(path)"
    }

    /// What a Cloudflare account holds, by kind (`d1`, `r2`, `workers`, `dns`, `custom_hostnames`), as sorted
    /// descriptions; equal snapshots mean equal accounts (for rollback tests).
    public func cloudflareResources(accountId: String) async throws -> JSONValue {
        try await cloudflare.database.writer.read { db in try self.cloudflare.resources(db, accountId: accountId) }
    }

    /// Every Stripe object of one type the stand-in holds (`transfer`, `charge`, `account`, …), as Stripe would
    /// answer each: what tests count when they check that something was made once.
    public func stripeObjects(type: String) async throws -> [JSONValue] {
        try await stripe.database.writer.read { db in try SandboxDatabase.listStripe(db, type: type) }
    }

    /// The payloads of the Stripe events of one type (`checkout.session.completed`, …) the stand-in has emitted,
    /// oldest first, as its webhook deliverer sends them: for tests that deliver one event themselves (to two
    /// instances at once).
    public func stripeEventPayloads(type: String) async throws -> [Data] {
        try await stripe.database.writer.read { db in try SandboxDatabase.listStripeEventPayloads(db, type: type) }
    }

    /// Injects a fault (see `SandboxFault`); answers its id.
    @discardableResult
    public func injectFault(_ fault: SandboxFault) -> Int { faults.add(fault) }

    /// The path of a D1 database's SQLite file, to check what migrations did.
    public func d1DatabaseFile(uuid: String) -> URL { cloudflare.d1.url(for: uuid) }

    /// The hosted checkout page of a session.
    public func checkoutURL(sessionId: String) -> String { "\(baseURL)/checkout/\(sessionId)" }
}

public enum SandboxError: Error, CustomStringConvertible {
    case notLoopback(String)
    case couldNotStart(String, Int)

    public var description: String {
        switch self {
        case let .notLoopback(host): "the sandbox binds loopback only (127.0.0.1 or ::1), not \(host)"
        case let .couldNotStart(host, port): "the sandbox could not listen on \(host):\(port)"
        }
    }
}

/// Everything the routes need, built from a configuration; tests build a router from it without a socket.
struct SandboxParts: Sendable {
    let database: SandboxDatabase
    let clock: MovableClock
    let faults: FaultInjector
    let deliverer: StripeWebhookDeliverer
    let stripe: StripeStandIn
    let cloudflare: CloudflareStandIn

    init(_ configuration: SandboxConfiguration) throws {
        database = try SandboxDatabase(directory: configuration.dataDir)
        clock = configuration.clock
        faults = FaultInjector()
        let endpoint = configuration.stripeWebhookURL.map {
            StripeWebhookDeliverer.Endpoint(url: $0, secret: configuration.stripeWebhookSecret)
        }
        deliverer = StripeWebhookDeliverer(database: database, clock: clock, endpoint: endpoint, logger: configuration.logger,
                                           maxAttempts: configuration.webhookMaxAttempts,
                                           transport: CurlHTTPClient(configuration: .init(timeouts: HTTPTimeouts(connect: 5, total: 10), retry: .never,
                                                                                          caBundlePath: configuration.webhookCABundlePath)))
        stripe = StripeStandIn(database: database, clock: clock, secretKey: configuration.stripeSecretKey, deliverer: deliverer)
        cloudflare = try CloudflareStandIn(database: database, clock: clock, rateLimit: configuration.cloudflareRateLimit,
                                           pace: configuration.cloudflarePace)
        try cloudflare.seedDemo()
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        // Off (not installed) unless TECHFLUNKY_CONTRACT_LOG is set; outermost, so it records what clients get.
        if let log = ContractLog.shared { router.add(middleware: ContractRecordingMiddleware(log: log)) }
        router.add(middleware: UnknownRouteMiddleware())
        router.add(middleware: FaultMiddleware(faults: faults))
        StripeRoutes(stripe: stripe).register(on: router)
        CloudflareRoutes(cloudflare: cloudflare).register(on: router)
        SandboxControlRoutes(faults: faults, clock: clock).register(on: router)
        return router
    }
}
