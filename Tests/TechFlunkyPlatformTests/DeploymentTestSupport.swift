import Foundation
import GRDB
import Logging
import Synchronization
import TechFlunkyCore
import TechFlunkyHTTP

@testable import TechFlunkyPlatform

/// Orders for orchestrator tests: who bought what, and the payout-hold freezes the orchestrator asked for.
actor DeploymentTestOrders: DeploymentOrderAccess {
    var orders: [String: DeployableOrder] = [:]
    private(set) var frozen: [String: String] = [:]
    private(set) var unfreezes: [String] = []

    func add(_ order: DeployableOrder) { orders[order.id] = order }

    func order(id: String, buyerId: String) async throws -> DeployableOrder? {
        guard let o = orders[id], o.buyerId == buyerId else { return nil }
        return o
    }

    func freezePayoutHold(orderId: String, reason: String) async throws { frozen[orderId] = reason }

    func unfreezePayoutHold(orderId: String) async throws {
        frozen[orderId] = nil
        unfreezes.append(orderId)
    }
}

/// Captures every log message and metadata value, to prove no secret reaches the logs.
final class DeploymentLogCapture: @unchecked Sendable {
    // @unchecked: `lock` guards `lines`.
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ s: String) { lock.withLock { lines.append(s) } }
    var text: String { lock.withLock { lines.joined(separator: "\n") } }

    struct Handler: LogHandler {
        let capture: DeploymentLogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
                 function: String, line: UInt) {
            let all = self.metadata.merging(metadata ?? [:]) { _, b in b }
            capture.append("\(level) \(message) \(all.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))")
        }
    }

    var logger: Logger { Logger(label: "test.deploy") { _ in Handler(capture: self) } }
}

/// A bundle on disk like the demo catalog's: one D1 database with two migrations, one bucket with
/// CORS, one Worker with two modules, bindings, a variable and a secret, a DNS record and a smoke check.
enum DeploymentTestBundle {
    static func write(to dir: URL, smokePath: String = "/health") throws {
        let fm = FileManager.default
        try fm.createDirectory(at: dir.appendingPathComponent("migrations"), withIntermediateDirectories: true)
        try fm.createDirectory(at: dir.appendingPathComponent("workers/api/lib"), withIntermediateDirectories: true)
        try "CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);".write(
            to: dir.appendingPathComponent("migrations/0001_init.sql"), atomically: true, encoding: .utf8)
        try "ALTER TABLE customers ADD COLUMN plan TEXT NOT NULL DEFAULT 'free';\nCREATE INDEX customers_plan ON customers(plan);".write(
            to: dir.appendingPathComponent("migrations/0002_plans.sql"), atomically: true, encoding: .utf8)
        try "import { ok } from './lib/ok.js';\nexport default { fetch() { return ok(); } };".write(
            to: dir.appendingPathComponent("workers/api/index.js"), atomically: true, encoding: .utf8)
        try "export const ok = () => new Response('ok');".write(
            to: dir.appendingPathComponent("workers/api/lib/ok.js"), atomically: true, encoding: .utf8)
        let manifest = PackageManifest(
            id: "pkg_1", name: "Shop", slug: "shop", version: "1.0.0",
            cloudflare: CloudflareResources(
                workers: [WorkerSpec(name: "api", main: "workers/api/index.js", modules: ["workers/api/lib/ok.js"],
                                     compatibilityDate: "2024-09-23",
                                     bindings: [WorkerBinding(type: .d1, name: "DB", database: "main"),
                                                WorkerBinding(type: .r2Bucket, name: "ASSETS", bucket: "assets")],
                                     vars: ["MODE": "production"], secrets: ["SESSION_SECRET"], routes: ["/*"])],
                d1Databases: [D1DatabaseSpec(name: "main", migrations: ["migrations/0001_init.sql", "migrations/0002_plans.sql"])],
                r2Buckets: [R2BucketSpec(name: "assets", cors: [CORSRule(allowed: .init(origins: ["*"], methods: ["GET"]), maxAgeSeconds: 3600)])],
                dnsRecords: [DNSRecordSpec(type: "CNAME", name: "www", content: "{{domain}}", ttl: 1, proxied: true)],
                smokeChecks: [SmokeCheckSpec(worker: "api", path: smokePath, expectStatus: 200)]),
            businessAssets: [:])
        try JSONEncoder().encode(manifest).write(to: dir.appendingPathComponent("techflunky.json"))
    }
}

/// One platform's worth of deployment machinery on a real SQLite file.
struct DeploymentTestRig {
    let dir: URL
    let dbPath: String
    let queue: DatabasePool
    let store: GRDBDeploymentStore
    let hub: DeploymentEventHub
    let orders: DeploymentTestOrders
    let orchestrator: DeploymentOrchestrator
    let logs: DeploymentLogCapture

    static func make(transport: any HTTPTransport, dir: URL? = nil, orders: DeploymentTestOrders? = nil,
                     logs: DeploymentLogCapture = DeploymentLogCapture(),
                     configuration: DeploymentOrchestrator.Configuration? = nil) throws -> DeploymentTestRig {
        let dir = dir ?? FileManager.default.temporaryDirectory.appendingPathComponent("deploy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let dbPath = dir.appendingPathComponent("platform.sqlite").path
        let queue = try DatabasePool(path: dbPath)
        var migrator = DatabaseMigrator()
        DeploymentSchema.register(in: &migrator)
        try migrator.migrate(queue)
        let store = GRDBDeploymentStore(database: queue)
        let hub = DeploymentEventHub()
        let orders = orders ?? DeploymentTestOrders()
        let orchestrator = DeploymentOrchestrator(
            store: store, publisher: hub, clock: SystemClock(), orders: orders,
            configuration: configuration ?? .init(cloudflareAPIBase: "https://api.cloudflare.test/client/v4", transport: transport,
                                 retry: .init(maxAttempts: 3, baseDelay: 0.001, maxDelay: 0.01),
                                 smokeCheck: .init(attempts: 2, delay: 0.001)),
            logger: logs.logger)
        return DeploymentTestRig(dir: dir, dbPath: dbPath, queue: queue, store: store, hub: hub, orders: orders,
                                 orchestrator: orchestrator, logs: logs)
    }

    /// A paid order of `buyer` for the test bundle.
    func addPaidOrder(_ id: String = "ord_7f3a9c21e4", buyer: String = "acct_buyer", state: OrderState = .paid) async throws {
        let bundle = dir.appendingPathComponent("bundle-\(id)")
        try DeploymentTestBundle.write(to: bundle)
        await orders.add(DeployableOrder(id: id, buyerId: buyer, listingSlug: "shop", state: state, bundleDirectory: bundle))
    }
}

/// Fails requests whose URL contains a string with 503 while armed (for the one call the stand-in's
/// own fault injection does not cover: the workers.dev smoke endpoint).
final class DeploymentFaultyTransport: HTTPTransport, @unchecked Sendable {
    // @unchecked: `lock` guards `armed`.
    private let lock = NSLock()
    private var armed: String?
    let inner: any HTTPTransport

    init(inner: any HTTPTransport) { self.inner = inner }

    func arm(_ urlContains: String?) { lock.withLock { armed = urlContains } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        if let armed = lock.withLock({ armed }), request.url.contains(armed) {
            return HTTPResponse(status: 503, headers: [:], body: Data("injected".utf8))
        }
        return try await inner.send(request)
    }

    func stream(_ request: HTTPRequest) async throws -> HTTPStreamingResponse { try await inner.stream(request) }
}

struct DeploymentTestTimeout: Error, CustomStringConvertible {
    let seconds: Double
    var description: String { "did not finish within \(seconds) s" }
}

/// Runs `body`, failing with `DeploymentTestTimeout` instead of hanging when a stream never ends — or when `body`
/// waits on something that ignores cancellation: the deadline does not wait for `body` to notice (a task group
/// would), it returns and leaves `body` cancelled behind it, so a hang fails its test instead of the whole suite.
func withDeadline<T: Sendable>(_ seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    let work = Task { try await body() }
    let race = FirstResult<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            race.wait(continuation)
            let timer = Task {
                try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
                work.cancel()
                race.finish(.failure(DeploymentTestTimeout(seconds: seconds)))
            }
            Task {
                let result = await work.result
                timer.cancel()
                race.finish(result)
            }
        }
    } onCancel: {
        work.cancel()
    }
}

/// The first of several results, handed to one waiting continuation (`withDeadline`).
private final class FirstResult<T: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<T, any Error>?>(nil)
    func wait(_ waiting: CheckedContinuation<T, any Error>) { continuation.withLock { $0 = waiting } }
    func finish(_ result: Result<T, any Error>) {
        continuation.withLock { waiting in
            defer { waiting = nil }
            return waiting
        }?.resume(with: result)
    }
}
