import Foundation
import Logging
import TechFlunkyHTTP

/// The deployment machinery of one platform: store, event hub, orchestrator and SSE streams, wired
/// from `PlatformServices`. Routes and the server reach deployments only through this.
public struct DeploymentService: Sendable {
    public let store: any DeploymentStore
    public let hub: DeploymentEventHub
    public let orchestrator: DeploymentOrchestrator
    public let events: DeploymentEventStream

    public init(store: any DeploymentStore, hub: DeploymentEventHub, orchestrator: DeploymentOrchestrator,
                heartbeatInterval: Double = 10) {
        self.store = store
        self.hub = hub
        self.orchestrator = orchestrator
        events = DeploymentEventStream(store: store, hub: hub, heartbeatInterval: heartbeatInterval)
    }

    /// Wires the service on the platform's database, clock, orders and HTTP transport. In sandbox
    /// mode the smoke checks go to the stand-in's workers.dev endpoint.
    public static func make(services: PlatformServices, transport: (any HTTPTransport)? = nil) -> DeploymentService {
        let configuration = services.configuration
        let http = transport ?? configuration.httpTransport ?? CurlHTTPClient()
        let store = GRDBDeploymentStore(database: services.database.pool)
        let hub = DeploymentEventHub()
        var smoke = DeploymentOrchestrator.SmokeCheckPolicy()
        if configuration.sandboxMode {
            smoke.rewrite = DeploymentOrchestrator.sandboxSmokeCheckRewrite(sandboxBaseURL: configuration.cloudflareAPIBase)
        }
        let orchestrator = DeploymentOrchestrator(
            store: store, publisher: MeteredDeploymentPublisher(wrapping: hub, metrics: services.metrics), clock: services.clock, orders: services.orderAccess,
            configuration: .init(cloudflareAPIBase: configuration.cloudflareAPIBase, transport: http, smokeCheck: smoke),
            logger: services.logger)
        return DeploymentService(store: store, hub: hub, orchestrator: orchestrator, heartbeatInterval: configuration.sseHeartbeatInterval)
    }
}
