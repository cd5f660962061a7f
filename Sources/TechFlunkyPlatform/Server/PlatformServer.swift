import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import TechFlunkyCore

/// A platform started in this process: where it listens, and how to stop it.
public final class RunningPlatform: Sendable {
    public let port: Int
    public let host: String
    public let services: PlatformServices
    /// Where `GET /metrics` answers, when the configuration asked for it.
    public let metricsPort: Int?
    private let task: Task<Void, Error>
    /// Runs the HTTP server so `stop()` shuts it down gracefully (listener closed first, open requests
    /// given up to two seconds) rather than cancelling it mid-accept, which NIO traps on.
    private let serverGroup: ServiceGroup

    init(port: Int, host: String, services: PlatformServices, metricsPort: Int?, task: Task<Void, Error>, serverGroup: ServiceGroup) {
        self.port = port
        self.metricsPort = metricsPort
        self.host = host
        self.services = services
        self.task = task
        self.serverGroup = serverGroup
    }

    /// `http://127.0.0.1:<port>`, `https://…` with TLS (no trailing slash).
    public var baseURL: String {
        "\(services.configuration.tls == nil ? "http" : "https")://\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }

    /// Stops accepting connections, lets in-flight requests finish, stops background work, and waits.
    public func stop() async {
        await serverGroup.triggerGracefulShutdown()
        // The server returning ends the background work (the task group cancels the rest).
        _ = try? await task.value
    }
}

public enum PlatformServerError: Error, CustomStringConvertible {
    case didNotStart(String)

    public var description: String {
        switch self {
        case let .didNotStart(detail): "the platform server did not start: \(detail)"
        }
    }
}

/// Starts and runs the platform.
public enum PlatformServer {
    /// Opens the database, seeds what the configuration asks for, binds `host:port` (0 = kernel's choice)
    /// and returns once the server accepts connections. For tests, the embedded default and client tests.
    public static func start(_ configuration: PlatformConfiguration) async throws -> RunningPlatform {
        let services = try await PlatformServices.open(configuration)
        do {
            try await prepare(services)
        } catch {
            await services.close()
            throw error
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = try PlatformApplication.build(services: services) { port in
            continuation.yield(port)
            continuation.finish()
        }
        var serviceList: [any Service] = [app]
        let (metricsPorts, metricsContinuation) = AsyncStream<Int>.makeStream()
        if let metricsPort = configuration.metricsPort {
            serviceList.append(MetricsServer.build(services: services, host: configuration.metricsHost, port: metricsPort) { port in
                metricsContinuation.yield(port)
                metricsContinuation.finish()
            })
        } else {
            metricsContinuation.finish()
        }
        var groupConfiguration = ServiceGroupConfiguration(services: serviceList, logger: services.logger)
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(2)
        let serverGroup = ServiceGroup(configuration: groupConfiguration)
        let task = Task {
            defer {
                continuation.finish()
                metricsContinuation.finish()
            }
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await serverGroup.run() }
                    group.addTask { try await runBackgroundWork(services) }
                    try await group.next()
                    group.cancelAll()
                }
            } catch {
                await services.close()
                throw error
            }
            await services.close()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            let detail: String
            do { try await task.value; detail = "it stopped at once" } catch { detail = "\(error)" }
            throw PlatformServerError.didNotStart(detail)
        }
        var metricsIterator = metricsPorts.makeAsyncIterator()
        let metricsPort = await metricsIterator.next()
        if configuration.metricsPort != nil, metricsPort == nil {
            await serverGroup.triggerGracefulShutdown()
            let detail: String
            do { try await task.value; detail = "it stopped at once" } catch { detail = "\(error)" }
            throw PlatformServerError.didNotStart("the metrics listener on \(configuration.metricsHost):\(configuration.metricsPort ?? 0): \(detail)")
        }
        services.logger.info("platform listening", metadata: ["host": "\(configuration.host)", "port": "\(port)"])
        if let metricsPort {
            services.logger.info("metrics listening", metadata: ["host": "\(configuration.metricsHost)", "port": "\(metricsPort)"])
        }
        return RunningPlatform(port: port, host: configuration.host, services: services, metricsPort: metricsPort, task: task, serverGroup: serverGroup)
    }

    /// `techflunky serve`: runs in the foreground until SIGINT or SIGTERM, then shuts down gracefully.
    public static func run(_ configuration: PlatformConfiguration, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let services = try await PlatformServices.open(configuration)
        do {
            try await prepare(services)
            try await serve(services, onListening: onListening)
        } catch {
            await services.close()
            throw error
        }
        await services.close()
    }

    private static func serve(_ services: PlatformServices, onListening: @escaping @Sendable (Int) async -> Void) async throws {
        let configuration = services.configuration
        let app = try PlatformApplication.build(services: services, onServerRunning: onListening)
        // SIGHUP reloads a renewed certificate: new connections get it, open ones keep theirs.
        let reload = services.tlsCertificates.map { certificates in
            let logger = services.logger
            signal(SIGHUP, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
            source.setEventHandler {
                do {
                    try certificates.reload()
                    logger.notice("TLS certificate reloaded", metadata: ["certificate": "\(certificates.tls.certificatePath)"])
                } catch {
                    logger.error("TLS certificate not reloaded; the previous one stays in use", metadata: ["error": "\(error)"])
                }
            }
            source.resume()
            return source
        }
        defer { reload?.cancel() }
        // SIGINT/SIGTERM shut down gracefully, but not for ever: an idle HTTP/2 connection whose client never
        // answers the GOAWAY (libcurl keeps one open between requests) would otherwise hold `serve` up indefinitely.
        var groupConfiguration = ServiceGroupConfiguration(services: [.init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint],
                                                           logger: services.logger)
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(5)
        let serverGroup = ServiceGroup(configuration: groupConfiguration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do { try await serverGroup.run() } catch is CancellationError {}
            }
            if let metricsPort = configuration.metricsPort {
                let host = configuration.metricsHost
                let metrics = MetricsServer.build(services: services, host: host, port: metricsPort) { port in
                    services.logger.info("metrics listening", metadata: ["host": "\(host)", "port": "\(port)"])
                }
                // Runs until the API server returns (after a signal) and the group cancels the rest.
                group.addTask { try await metrics.run() }
            }
            group.addTask { try await runBackgroundWork(services) }
            // The server returning (after a signal) ends the background work too.
            try await group.next()
            group.cancelAll()
        }
    }

    /// Start-up work that must finish before the first request: deployment recovery, seeding.
    static func prepare(_ services: PlatformServices) async throws {
        let configuration = services.configuration
        if configuration.stripeSecretKey.isEmpty || configuration.httpTransport == nil {
            services.logger.warning("Stripe is not configured: checkout, seller accounts and payouts will fail (set STRIPE_SECRET_KEY)")
        }
        if configuration.stripeWebhookSecret.isEmpty {
            services.logger.warning("no webhook secret: Stripe events will be refused (set STRIPE_WEBHOOK_SECRET)")
        }
        // Bundles this platform could not open stop the start (not the first deployment that needs one); with a
        // key, bundles stored before it was given are sealed now.
        let sealedNow = try services.packages.prepareForServing()
        if sealedNow > 0 {
            services.logger.notice("package bundle files sealed at rest", metadata: ["files": "\(sealedNow)", "key": "\(services.packages.key?.id ?? "")"])
        }
        if services.packages.key == nil, !configuration.sandboxMode {
            services.logger.notice("package bundles are stored in the clear: give --secrets-key-file (or TECHFLUNKY_SECRETS_KEY) to seal them at rest")
        }
        // What a previous process left running is marked interrupted before anyone can ask about it.
        // (Routers built without a server, as in `app.test(.router)`, recover on the orchestrator's first call.)
        try await services.deployments.orchestrator.recoverInterrupted()
        if let catalog = services.configuration.demoCatalog {
            try await DemoCatalogLoader.seedIfNeeded(services: services, from: catalog)
        }
        if services.configuration.syntheticListings > 0 {
            let started = Date()
            let added = try await SyntheticCatalog.fill(count: services.configuration.syntheticListings, services: services)
            services.logger.info("synthetic listings added", metadata: [
                "added": "\(added)", "seconds": "\(String(format: "%.1f", Date().timeIntervalSince(started)))",
            ])
        }
        // Price-sorted full-text searches are the common sorted ones: their keys are read in the background now, so the
        // first of them does not wait for (or fall back to SQL during) the read (`ListingSortKeyIndex.warm`).
        (services.catalog as? SQLiteCatalogStore)?.sortKeys.warm([.price])
    }

    /// The hold scheduler, scheduled backups, the deployment lease scan and event relay, and other periodic work;
    /// returns when cancelled.
    static func runBackgroundWork(_ services: PlatformServices) async throws {
        let deployments = Task { await services.deployments.runBackgroundWork() }
        defer { deployments.cancel() }
        // Backups copy the SQLite file; on PostgreSQL `serve` refuses --backup-dir (pg_dump does that job).
        if let schedule = services.configuration.backupSchedule, services.engine == .sqlite {
            let configuration = services.configuration
            async let backups: Void = schedule.run(databasePath: configuration.dbPath, dataDir: configuration.dataDir, logger: services.logger)
            try await runHoldScans(services)
            await backups
        } else {
            try await runHoldScans(services)
        }
    }

    /// Listings whose checkout session ended unpaid go back on sale on the platform's clock, even when Stripe's
    /// `checkout.session.expired` is late or never comes.
    static func releaseLapsedReservations(_ services: PlatformServices) async {
        do {
            let freed = try await services.market.releaseLapsedReservations(now: services.clock.now())
            if freed > 0 { services.logger.info("reservations ended", metadata: ["listings": "\(freed)"]) }
        } catch {
            services.logger.error("reservation scan failed", metadata: ["error": "\(error)"])
        }
    }

    static func runHoldScans(_ services: PlatformServices) async throws {
        let interval = services.configuration.holdScanInterval
        while !Task.isCancelled {
            if interval > 0 {
                await services.holds.releaseDue()
                await releaseLapsedReservations(services)
                try? await Task.sleep(for: .seconds(interval))
            } else {
                try? await Task.sleep(for: .seconds(3600))
            }
        }
    }
}
