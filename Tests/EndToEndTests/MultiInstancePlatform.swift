import Foundation
import Logging
import Synchronization
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyHTTP
import TechFlunkySandbox
import XCTest

/// Several real `techflunky serve` processes on one PostgreSQL database, as behind a load balancer: a throwaway
/// cluster (`scripts/postgres-cluster`), ONE set of Stripe and Cloudflare stand-ins shared by every instance (they run
/// in this test process, so the tests read the stand-ins' own records: transfers made, Cloudflare resources held),
/// and each instance started with `serve --database URL --stand-ins URL` on a shared data directory (the package
/// store is files, as it would be on a shared volume). An instance "dies" by SIGKILL.
///
/// Used by `MultiInstanceServeTests`.
final class MultiInstancePlatform: Sendable {
    let directory: URL
    let cluster: URL
    let databaseURL: String
    let sandbox: SandboxServer
    let stripeKey: String
    let webhookSecret: String
    private let children = Mutex<[ChildProcess]>([])

    /// One `serve` process and how to reach it.
    struct Instance: Sendable {
        let name: String
        let process: ChildProcess
        let baseURL: String
        var webhookURL: String { baseURL + "/api/checkout/webhook" }
        func client() -> PlatformClient { PlatformClient(baseURL: baseURL) }
    }

    /// Runs `body` on a fresh platform (cluster, stand-ins) and stops everything afterwards, whether it threw or not.
    static func with(pace: CloudflarePace = .instant, _ body: (MultiInstancePlatform) async throws -> Void) async throws {
        let platform = try await MultiInstancePlatform.start(pace: pace)
        do {
            try await body(platform)
        } catch {
            await platform.stop()
            throw error
        }
        await platform.stop()
    }

    static func start(pace: CloudflarePace) async throws -> MultiInstancePlatform {
        let value = ProcessInfo.processInfo.environment["TECHFLUNKY_SKIP_POSTGRES"] ?? ""
        if !value.isEmpty && value != "0" { throw XCTSkip("TECHFLUNKY_SKIP_POSTGRES is set: the multi-instance tests need PostgreSQL") }
        guard FileManager.default.isExecutableFile(atPath: BuiltBinary.path) else {
            throw HarnessError("no built binary at \(BuiltBinary.path) (swift build --product techflunky)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-multi-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // Beside, not inside, the 0700 directory: run as root, the server runs as another user and must reach its files.
        let cluster = FileManager.default.temporaryDirectory.appendingPathComponent("tf-multi-pg-\(UUID().uuidString.prefix(8))")
        let printed: String
        do {
            printed = try ChildProcess.output([Self.clusterScript, "start", cluster.path])
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw HarnessError("the PostgreSQL test cluster did not start: \(error). Install the server with scripts/bootstrap, or set "
                               + "TECHFLUNKY_SKIP_POSTGRES=1 to leave the PostgreSQL tests out")
        }
        let url = printed.split(separator: "\n").last.map(String.init) ?? ""
        var logger = Logger(label: "test.multi-instance.sandbox")
        logger.logLevel = .critical
        let secret = "whsec_multi_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16)
        let key = "sk_test_multi_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16)
        var configuration = SandboxConfiguration(dataDir: directory.appendingPathComponent("sandbox"), stripeWebhookSecret: secret,
                                                 stripeSecretKey: key, logger: logger, clock: MovableClock())
        configuration.cloudflarePace = pace
        let sandbox: SandboxServer
        do {
            sandbox = try await SandboxServer.start(configuration)
        } catch {
            _ = try? ChildProcess.output([Self.clusterScript, "stop", cluster.path])
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        return MultiInstancePlatform(directory: directory, cluster: cluster, databaseURL: url, sandbox: sandbox, stripeKey: key, webhookSecret: secret)
    }

    private init(directory: URL, cluster: URL, databaseURL: String, sandbox: SandboxServer, stripeKey: String, webhookSecret: String) {
        self.directory = directory
        self.cluster = cluster
        self.databaseURL = databaseURL
        self.sandbox = sandbox
        self.stripeKey = stripeKey
        self.webhookSecret = webhookSecret
    }

    static let clusterScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/postgres-cluster").path

    /// Every instance shares this data directory (the package store).
    var dataDirectory: URL { directory.appendingPathComponent("data") }

    /// Starts `serve` on the shared database and stand-ins; answers once it listens. `leaseSeconds`: the deployment lease
    /// (`serve --deployment-lease`), short so a dead instance's deployments are noticed quickly.
    func startInstance(_ name: String, leaseSeconds: Double? = nil, timeout: TimeInterval = 120) async throws -> Instance {
        var arguments = ["serve", "--port", "0", "--data-dir", dataDirectory.path, "--database", databaseURL, "--stand-ins", sandbox.baseURL]
        if let leaseSeconds { arguments += ["--deployment-lease", String(leaseSeconds)] }
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = nil
        environment["STRIPE_SECRET_KEY"] = stripeKey
        environment["STRIPE_WEBHOOK_SECRET"] = webhookSecret
        environment["LOG_LEVEL"] = "warning"
        let log = directory.appendingPathComponent("\(name).log")
        let process = try ChildProcess.spawn([BuiltBinary.path] + arguments, environment: environment, output: log)
        children.withLock { $0.append(process) }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"listening on http://127\.0\.0\.1:\d+"#, options: .regularExpression) {
                return Instance(name: name, process: process, baseURL: String(text[range].dropFirst("listening on ".count)))
            }
            if process.hasExited() {
                throw HarnessError("instance \(name) exited before it listened:\n\(text.suffix(3000))")
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw HarnessError("instance \(name) did not listen within \(Int(timeout)) s:\n\(((try? String(contentsOf: log, encoding: .utf8)) ?? "").suffix(3000))")
    }

    /// The last lines an instance wrote (for failure messages).
    func log(of instance: Instance) -> String {
        String(((try? String(contentsOf: directory.appendingPathComponent("\(instance.name).log"), encoding: .utf8)) ?? "").suffix(3000))
    }

    /// The stand-ins deliver Stripe's webhooks to this instance from now on.
    func deliverWebhooks(to instance: Instance) async {
        await sandbox.setStripeWebhook(url: instance.webhookURL, secret: webhookSecret)
    }

    /// Stops every instance (SIGTERM, then SIGKILL past a deadline), the stand-ins and the cluster, and removes the files.
    func stop() async {
        let all = children.withLock { $0 }
        for child in all where !child.hasExited() { child.signal(SIGTERM) }
        for child in all { child.waitForExit(timeout: 15, orKill: true) }
        await sandbox.stop()
        _ = try? ChildProcess.output([Self.clusterScript, "stop", cluster.path])
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: - People and things on the marketplace, through the real API

    /// A seller who can be paid: signed up on `instance`, Stripe onboarding completed on the stand-in, and the platform
    /// told by `account.updated` (delivered to the webhook instance).
    func onboardedSeller(on instance: Instance, email: String = "seller-\(UUID().uuidString.prefix(8))@example.com") async throws -> PlatformClient {
        let seller = instance.client()
        _ = try await seller.signup(email: email, password: "a long seller password", displayName: "Seller")
        let account = try await seller.createSellerAccount()
        let stripeAccount = try XCTUnwrap(account.stripeAccountId, "the platform made a Connect account")
        let completed = try await CurlHTTPClient().send(HTTPRequest(method: .POST, url: "\(sandbox.baseURL)/sandbox/accounts/\(stripeAccount)/complete-onboarding"))
        guard completed.status == 200 else { throw HarnessError("the stand-in answered \(completed.status) to complete-onboarding") }
        try await waitUntil("the platform sees \(email)'s onboarding finished", timeout: 30) { try await seller.sellerAccount().onboardingComplete }
        return seller
    }

    /// A buyer signed up on `instance`.
    func buyer(on instance: Instance, email: String = "buyer-\(UUID().uuidString.prefix(8))@example.com") async throws -> PlatformClient {
        let buyer = instance.client()
        _ = try await buyer.signup(email: email, password: "a long buyer password", displayName: "Buyer")
        return buyer
    }

    /// A listing whose package makes a D1 database (with a migration), an R2 bucket and a Worker bound to both.
    static func upload(slug: String, price: Int64 = 250_000) throws -> ListingUploadRequest {
        let manifest = PackageManifest(
            id: "pkg_\(slug)", name: "Shop \(slug)", slug: slug, version: "1.0.0",
            cloudflare: CloudflareResources(
                workers: [WorkerSpec(name: "api", main: "workers/api/index.js", compatibilityDate: "2024-09-23",
                                     bindings: [WorkerBinding(type: .d1, name: "DB", database: "main"),
                                                WorkerBinding(type: .r2Bucket, name: "ASSETS", bucket: "assets")])],
                d1Databases: [D1DatabaseSpec(name: "main", migrations: ["migrations/0001_init.sql"])],
                r2Buckets: [R2BucketSpec(name: "assets")], dnsRecords: []),
            businessAssets: [:])
        let listing = PublishListingRequest(title: "Shop \(slug)", tagline: "Runs itself", description: "A small shop on Workers, D1 and R2.",
                                            category: "E-commerce", askingPrice: .usd(price), monthlyRevenue: .usd(20_000),
                                            monthlyProfit: .usd(9_000), ageMonths: 9, techStack: ["Workers", "D1", "R2"], monthlyVisitors: 700)
        return ListingUploadRequest(listing: listing, bundle: PackageBundle(files: [
            BundleFile(path: "techflunky.json", content: try JSONEncoder().encode(manifest)),
            BundleFile(path: "migrations/0001_init.sql", content: Data("CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL);".utf8)),
            BundleFile(path: "workers/api/index.js", content: Data("export default { fetch() { return new Response('ok') } }".utf8)),
        ]))
    }

    /// `buyer` buys `slug` and pays with the test card through `instance` (`POST /api/sandbox/pay`, which answers once
    /// the webhook has been processed, wherever it was delivered); answers the order id.
    func buy(_ slug: String, buyer: PlatformClient) async throws -> String {
        let session = try await buyer.createCheckoutSession(listingSlug: slug)
        try await buyer.sandboxPay(orderId: session.orderId)
        try await waitUntil("order \(session.orderId) is paid", timeout: 30) { try await buyer.order(id: session.orderId).state != .pendingPayment }
        return session.orderId
    }

    /// The stand-in's seeded Cloudflare account (it has a workers.dev subdomain, which a deployment without a custom
    /// domain needs) and its token; each platform has fresh stand-ins, so the account holds only what the test made.
    func cloudflareCredentials() -> CloudflareCredentials {
        CloudflareCredentials(accountId: SandboxServer.demoCloudflareAccountId, apiToken: CloudflareAPIToken(SandboxServer.demoCloudflareToken))
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Waits until `condition` holds, checking every 50 ms, failing after `timeout` seconds with `what`.
func waitUntil(_ what: String, timeout: TimeInterval, _ condition: () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(timeout)
    var lastError: Error?
    while Date() < deadline {
        do {
            if try await condition() { return }
        } catch {
            lastError = error
        }
        try await Task.sleep(nanoseconds: 50_000_000)
    }
    throw HarnessError("timed out after \(Int(timeout)) s waiting until \(what)\(lastError.map { " (last error: \($0))" } ?? "")")
}

/// A child process started with posix_spawn, its standard output and error appended to a file. posix_spawn and waitpid
/// rather than Foundation's `Process`, whose `waitUntilExit` on a concurrency thread can miss the child's exit.
final class ChildProcess: Sendable {
    let pid: pid_t
    private let exitStatus = Mutex<Int32?>(nil)

    private init(pid: pid_t) { self.pid = pid }

    static func spawn(_ arguments: [String], environment: [String: String], output: URL) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output.path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, &argv, &envp)
        guard spawned == 0 else { throw HarnessError("cannot run `\(arguments[0])`: \(String(cString: strerror(spawned)))") }
        return ChildProcess(pid: pid)
    }

    /// Runs a command to its end; answers its standard output, or throws with its output when it fails.
    static func output(_ arguments: [String]) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tf-multi-run-\(UUID().uuidString.prefix(8))")
        defer { unlink(file.path) }
        let child = try spawn(arguments, environment: ProcessInfo.processInfo.environment, output: file)
        let status = child.waitForExit(timeout: 180, orKill: true)
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw HarnessError("`\(arguments.prefix(2).joined(separator: " "))` exited \(status.map(String.init) ?? "?"): "
                               + text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return text
    }

    func signal(_ signal: Int32) { _ = kill(pid, signal) }

    /// True once the process has exited (reaped here).
    func hasExited() -> Bool {
        exitStatus.withLock { status in
            if status != nil { return true }
            var raw: Int32 = 0
            let reaped = waitpid(pid, &raw, WNOHANG)
            if reaped == pid {
                status = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
                return true
            }
            return reaped == -1 && errno == ECHILD
        }
    }

    /// Waits for the exit (checking every 20 ms); past `timeout`, SIGKILLs it when `orKill`. Answers the exit status
    /// (128 + the signal for a signalled process), nil if it still runs.
    @discardableResult
    func waitForExit(timeout: TimeInterval, orKill: Bool = false) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if hasExited() { return exitStatus.withLock { $0 } }
            usleep(20_000)
        }
        guard orKill else { return nil }
        signal(SIGKILL)
        while !hasExited() { usleep(20_000) }
        return exitStatus.withLock { $0 }
    }
}
