import Foundation
import Logging
import TechFlunkyHTTP

/// The deployment machinery of one platform: store, event hub, orchestrator and SSE streams, built once by
/// `PlatformServices`. Routes and the server reach deployments only through `services.deployments`.
public struct DeploymentService: Sendable {
    public let store: any DeploymentStore
    public let hub: DeploymentEventHub
    public let orchestrator: DeploymentOrchestrator
    public let events: DeploymentEventStream
    /// On PostgreSQL, what brings other instances' events to this one's watchers; nil on SQLite (one instance).
    let relay: PostgresDeploymentEventRelay?

    public init(store: any DeploymentStore, hub: DeploymentEventHub, orchestrator: DeploymentOrchestrator,
                heartbeatInterval: Double = 10) {
        self.init(store: store, hub: hub, orchestrator: orchestrator, relay: nil, heartbeatInterval: heartbeatInterval)
    }

    init(store: any DeploymentStore, hub: DeploymentEventHub, orchestrator: DeploymentOrchestrator, relay: PostgresDeploymentEventRelay?,
         heartbeatInterval: Double) {
        self.store = store
        self.hub = hub
        self.orchestrator = orchestrator
        self.relay = relay
        events = DeploymentEventStream(store: store, hub: hub, heartbeatInterval: heartbeatInterval)
    }

    /// The deployment work every instance does in the background until cancelled: the lease scan and, on PostgreSQL,
    /// the event relay.
    public func runBackgroundWork() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await orchestrator.runLeaseScans() }
            if let relay { group.addTask { await relay.run() } }
        }
    }

    /// Returns once this instance hears other instances' events (at once on SQLite, where there are none).
    public func waitUntilRelaying() async {
        await relay?.waitUntilListening()
    }

    /// Wires the service on the platform's deployment store, clock, orders and HTTP transport. In sandbox
    /// mode the smoke checks go to the stand-in's workers.dev endpoint.
    static func make(configuration: PlatformConfiguration, store: any DeploymentStore, orders: any DeploymentOrderAccess,
                     metrics: PlatformMetrics, logger: Logger) -> DeploymentService {
        let http = configuration.httpTransport ?? CurlHTTPClient()
        let hub = DeploymentEventHub()
        // Several instances: this one's events and the relay's meet in the ledger, which publishes each once.
        var publisher: any DeploymentEventPublisher = hub
        var relay: PostgresDeploymentEventRelay?
        if let shared = store as? PostgresDeploymentStore {
            let ledger = DeploymentEventLedger(hub: hub)
            publisher = ledger
            relay = PostgresDeploymentEventRelay(database: shared.database, store: shared, hub: hub, ledger: ledger,
                                                 clock: configuration.clock, logger: logger)
        }
        var smoke = DeploymentOrchestrator.SmokeCheckPolicy()
        if configuration.sandboxMode {
            smoke.rewrite = DeploymentOrchestrator.sandboxSmokeCheckRewrite(sandboxBaseURL: configuration.cloudflareAPIBase)
        }
        let orchestrator = DeploymentOrchestrator(
            store: store, publisher: MeteredDeploymentPublisher(wrapping: publisher, metrics: metrics), clock: configuration.clock,
            orders: orders, configuration: .init(cloudflareAPIBase: configuration.cloudflareAPIBase, transport: http, smokeCheck: smoke,
                                                  bundleKey: configuration.secretsKey,
                                                  lease: .init(duration: configuration.deploymentLeaseDuration)),
            logger: logger)
        return DeploymentService(store: store, hub: hub, orchestrator: orchestrator, relay: relay,
                                 heartbeatInterval: configuration.sseHeartbeatInterval)
    }
}
