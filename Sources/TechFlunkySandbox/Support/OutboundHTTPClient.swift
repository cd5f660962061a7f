import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A minimal HTTP/1.1 client for the one outbound call the sandbox makes: delivering a webhook to the
/// platform. Plain `http://` only (the stand-ins run on loopback beside the platform); the sandbox may
/// not import TechFlunkyHTTP, and one POST does not justify more.
struct OutboundHTTPClient: Sendable {
    struct Response: Sendable {
        var status: Int
        var body: Data
    }

    enum Failure: Error, CustomStringConvertible {
        case unsupportedURL(String)
        case noResponse(String)

        var description: String {
            switch self {
            case let .unsupportedURL(url): "webhook URL must be http://host[:port]/path, got \(url)"
            case let .noResponse(url): "no HTTP response from \(url)"
            }
        }
    }

    var timeout: Duration = .seconds(10)

    func post(url: String, headers: [(String, String)], body: Data) async throws -> Response {
        guard let components = URLComponents(string: url), components.scheme?.lowercased() == "http",
              let host = components.host, !host.isEmpty else { throw Failure.unsupportedURL(url) }
        let port = components.port ?? 80
        var path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { path += "?" + query }

        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        let timeout = self.timeout
        let target = path
        let hostHeader = components.port.map { "\(host):\($0)" } ?? host
        return try await withThrowingTaskGroup(of: Response?.self) { group in
            group.addTask {
                try await channel.executeThenClose { inbound, outbound in
                    var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: target)
                    head.headers.add(name: "Host", value: hostHeader)
                    head.headers.add(name: "Content-Length", value: String(body.count))
                    head.headers.add(name: "Connection", value: "close")
                    for (name, value) in headers { head.headers.add(name: name, value: value) }
                    try await outbound.write(.head(head))
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
                    try await outbound.write(.end(nil))
                    var status: Int?
                    var received = Data()
                    for try await part in inbound {
                        switch part {
                        case let .head(h): status = Int(h.status.code)
                        case let .body(buffer): if received.count < 65_536 { received.append(contentsOf: buffer.readableBytesView) }
                        case .end: return status.map { Response(status: $0, body: received) }
                        }
                    }
                    return status.map { Response(status: $0, body: received) }
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            if first == nil { try? await channel.channel.close() }
            guard let first else { throw Failure.noResponse(url) }
            return first
        }
    }
}
