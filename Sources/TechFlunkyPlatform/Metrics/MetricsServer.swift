import Foundation
import Hummingbird
import Logging

/// The `--metrics-port` listener: `GET /metrics` only, on its own address (loopback unless told otherwise) so
/// the numbers are not on the public API port.
enum MetricsServer {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    static func buildRouter(services: PlatformServices) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("metrics") { _, _ -> Response in
            let text = await MetricsScrape.render(services)
            return Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        return router
    }

    static func build(services: PlatformServices, host: String, port: Int,
                      onServerRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        var logger = services.logger
        logger[metadataKey: "listener"] = "metrics"
        return Application(
            router: buildRouter(services: services),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
