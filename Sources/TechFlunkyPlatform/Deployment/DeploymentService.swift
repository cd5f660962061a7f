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

    public init(store: any DeploymentStore, hub: DeploymentEventHub, orchestrator: DeploymentOrchestrator,
                heartbeatInterval: Double = 10) {
        self.store = store
        self.hub = hub
        self.orchestrator = orchestrator
        events = DeploymentEventStream(store: store, hub: hub, heartbeatInterval: heartbeatInterval)
    }

    /// Wires the service on the platform's deployment store, clock, orders and HTTP transport. In sandbox
    /// mode the smoke checks go to the stand-in's workers.dev endpoint.
    static func make(configuration: PlatformConfiguration, store: any DeploymentStore, orders: any DeploymentOrderAccess,
                     metrics: PlatformMetrics, logger: Logger) -> DeploymentService {
        let http = configuration.httpTransport ?? CurlHTTPClient()
        let hub = DeploymentEventHub()
        var smoke = DeploymentOrchestrator.SmokeCheckPolicy()
        if configuration.sandboxMode {
            smoke.rewrite = DeploymentOrchestrator.sandboxSmokeCheckRewrite(sandboxBaseURL: configuration.cloudflareAPIBase)
        }
        let orchestrator = DeploymentOrchestrator(
            store: store, publisher: MeteredDeploymentPublisher(wrapping: hub, metrics: metrics), clock: configuration.clock,
            orders: orders, configuration: .init(cloudflareAPIBase: configuration.cloudflareAPIBase, transport: http, smokeCheck: smoke,
                                                  bundleKey: configuration.secretsKey),
            logger: logger)
        return DeploymentService(store: store, hub: hub, orchestrator: orchestrator, heartbeatInterval: configuration.sseHeartbeatInterval)
    }
}
