import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdHTTP2
import HummingbirdTLS
import Logging
import TechFlunkyCore

/// Builds the router: request ids, error envelope and bearer auth on everything, `GET /healthz`, and each concern's
/// routes under `/api`.
public enum PlatformApplication {
    public static func buildRouter(services: PlatformServices) -> Router<PlatformRequestContext> {
        let router = Router(context: PlatformRequestContext.self)
        let table = RouteTable()
        router.add(middleware: RequestIDMiddleware<PlatformRequestContext>())
        router.add(middleware: HTTPMetricsMiddleware<PlatformRequestContext>(metrics: services.metrics))
        router.add(middleware: APIErrorMiddleware<PlatformRequestContext>(routes: table))
        router.add(middleware: BearerAuthMiddleware(accounts: services.accounts, clock: services.clock))
        let root = RecordedRoutes(base: router, prefix: "", table: table)

        root.get("healthz") { _, _ -> HealthResponse in HealthResponse() }

        let api = RecordedRoutes(base: router.group("api"), prefix: "/api", table: table)
        AccountRoutes.register(on: api, services: services)
        AccountDataRoutes.register(on: api, services: services)
        CatalogRoutes.register(on: api, services: services)
        CheckoutRoutes.register(on: api, root: root, services: services)
        StripeWebhookRoutes.register(on: api, services: services)
        OrderRoutes.register(on: api, services: services)
        OrderAssetRoutes.register(on: api, services: services)
        ListingAssetRoutes.register(on: api, services: services)
        SellerRoutes.register(on: api, services: services)
        SellerOnboardingPages.register(on: root)
        PublishingRoutes.register(on: api, services: services)
        PackageVersionRoutes.register(on: api, services: services)
        SandboxRoutes.register(on: api, services: services)
        DeploymentRoutes.register(on: api, services: services)
        OfferRoutes.register(on: api, services: services)
        QuestionRoutes.register(on: api, services: services)
        PlatformHealthRoutes.register(on: api, services: services)
        MarketRoutes.register(on: api, services: services)
        return router
    }

    /// The Hummingbird application on `configuration.host:port`, over TLS 1.3 when `configuration.tls` is set.
    /// Throws when the certificate or key cannot be read.
    public static func build(services: PlatformServices,
                             onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        let configuration = services.configuration
        let pages = services.listingPages, generation = services.catalogGeneration
        let metrics = services.metrics
        let server: HTTPServerBuilder
        if let certificates = services.tlsCertificates {
            // HTTP/2 or HTTP/1.1 by ALPN; the page-cache handler sits in each HTTP/2 stream's pipeline as in a connection's.
            server = try .http2Upgrade(tlsConfiguration: certificates.serverConfiguration(),
                                       additionalChannelHandlers: [ListingPageFastPath(pages: pages, generation: generation, metrics: metrics)])
        } else {
            server = .http1(additionalChannelHandlers: [ListingPageFastPath(pages: pages, generation: generation, metrics: metrics)])
        }
        return Application(
            router: buildRouter(services: services),
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: services.logger
        )
    }
}
