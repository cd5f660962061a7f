import Foundation
import Hummingbird
import Logging
import TechFlunkyCore

/// Builds the router: error envelope and bearer auth on everything, `GET /healthz`, and each concern's
/// routes under `/api`.
public enum PlatformApplication {
    public static func buildRouter(services: PlatformServices) -> Router<PlatformRequestContext> {
        let router = Router(context: PlatformRequestContext.self)
        let table = RouteTable()
        router.add(middleware: APIErrorMiddleware<PlatformRequestContext>(routes: table))
        router.add(middleware: BearerAuthMiddleware(accounts: services.accounts, clock: services.clock))
        let root = RecordedRoutes(base: router, prefix: "", table: table)

        root.get("healthz") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: (try? WireJSON.encode(HealthResponse())) ?? Data())))
        }

        let api = RecordedRoutes(base: router.group("api"), prefix: "/api", table: table)
        AccountRoutes.register(on: api, services: services)
        CatalogRoutes.register(on: api, services: services)
        CheckoutRoutes.register(on: api, root: root, services: services)
        StripeWebhookRoutes.register(on: api, services: services)
        OrderRoutes.register(on: api, services: services)
        SellerRoutes.register(on: api, services: services)
        SellerOnboardingPages.register(on: root)
        PublishingRoutes.register(on: api, services: services)
        SandboxRoutes.register(on: api, services: services)
        DeploymentRoutes.register(on: api, services: services)
        return router
    }

    /// The Hummingbird application on `configuration.host:port`.
    public static func build(services: PlatformServices,
                             onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let configuration = services.configuration
        let pages = services.listingPages, generation = services.database.catalogGeneration
        return Application(
            router: buildRouter(services: services),
            server: .http1(additionalChannelHandlers: [ListingPageFastPath(pages: pages, generation: generation)]),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: services.logger
        )
    }
}
