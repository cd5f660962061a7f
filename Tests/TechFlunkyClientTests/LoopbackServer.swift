import Foundation
import Hummingbird
import TechFlunkyCore

/// A Hummingbird server on 127.0.0.1 with a kernel-chosen port, for the length of one test.
enum LoopbackServer {
    static func run<T: Sendable>(
        _ routes: (Router<BasicRequestContext>) -> Void,
        _ body: @Sendable (_ baseURL: String) async throws -> T
    ) async throws -> T {
        let router = Router()
        routes(router)
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
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
        return try await body("http://127.0.0.1:\(port)")
    }
}

extension Response {
    /// A JSON answer encoded the way the platform encodes it.
    static func wire<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: try WireJSON.encode(value))))
    }

    static func apiError(_ status: HTTPResponse.Status, code: String, message: String, field: String? = nil,
                         problems: [ManifestProblem]? = nil) throws -> Response {
        try wire(APIErrorBody(code: code, message: message, field: field, problems: problems), status: status)
    }
}
