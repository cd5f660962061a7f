import Foundation
import Hummingbird
import HummingbirdCore
import TechFlunkyHTTP

/// A Hummingbird server on 127.0.0.1 with a kernel-chosen port, for the length of one test.
enum LoopbackServer {
    static func run<T: Sendable>(
        server: HTTPServerBuilder = .http1(),
        scheme: String = "http",
        _ routes: (Router<BasicRequestContext>) -> Void,
        _ body: @Sendable (_ baseURL: String) async throws -> T
    ) async throws -> T {
        let router = Router()
        routes(router)
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            }
        )
        let server = Task { try await app.runService() }
        defer { server.cancel() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            throw CancellationError()
        }
        return try await body("\(scheme)://127.0.0.1:\(port)")
    }
}

/// Counts calls across requests of one test server.
final class CallCounter: Sendable {
    private let value = LockedValue(0)
    func increment() -> Int { value.withValue { $0 += 1; return $0 } }
    var count: Int { value.withValue { $0 } }
}
