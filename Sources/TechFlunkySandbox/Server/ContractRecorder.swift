import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// Records every Stripe (`/v1/…`) and Cloudflare (`/client/v4/…`) exchange the stand-ins serve, one JSON
/// line each, for the contract check (`scripts/check-contract`, run by `make test`).
///
/// On only when `TECHFLUNKY_CONTRACT_LOG=<dir>` is set: lines go to `<dir>/exchanges-<pid>.jsonl`. When the
/// variable is unset the middleware is not installed at all. Hosted pages, the sandbox's own `/sandbox/…`
/// control API and the `/workers.dev/…` smoke endpoints are not vendor calls and are not recorded.
///
/// It does not change what a request or response carries: the request body is collected (as every vendor
/// route does anyway) and handed on as the same bytes; the response body is passed through as written,
/// copied on the way, and the line is written before the body's end is sent, so a client that has the whole
/// answer also has its line on disk.
public enum ContractLog {
    public static let environmentVariable = "TECHFLUNKY_CONTRACT_LOG"

    /// The log of this process; nil when recording is off.
    static let shared: ContractLogFile? = {
        guard let dir = ProcessInfo.processInfo.environment[environmentVariable], !dir.isEmpty else { return nil }
        return ContractLogFile(directory: dir, name: "exchanges-\(getpid()).jsonl")
    }()

    /// The scheme word of an `Authorization` value, never the credential.
    static func authScheme(_ value: String?) -> String {
        guard let value, let word = value.split(separator: " ").first else { return "" }
        return String(word)
    }

    /// Whether this process records exchanges.
    public static var isEnabled: Bool { shared != nil }
}

/// One append-only JSON-lines file, shared by every sandbox in the process (each line is one `write`).
final class ContractLogFile: Sendable {
    private let fd: Mutex<Int32>

    init?(directory: String, name: String) {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = (directory as NSString).appendingPathComponent(name)
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        self.fd = Mutex(fd)
    }

    func append(_ exchange: ContractExchange) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var line = try? encoder.encode(exchange) else { return }
        line.append(0x0A)
        fd.withLock { fd in
            line.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n <= 0 { if errno == EINTR { continue }; return }
                    offset += n
                }
            }
        }
    }
}

/// One line of the log (the fields scripts/check-contract reads).
struct ContractExchange: Encodable, Sendable {
    struct Body: Encodable, Sendable {
        var content_type: String
        var length: Int
        var body: String?
        var body_base64: String?

        /// Text bodies (JSON, forms, multipart as sent) as text; anything that is not UTF-8 as base64.
        init(_ data: Data, contentType: String?) {
            content_type = contentType ?? ""
            length = data.count
            if let text = String(data: data, encoding: .utf8) { body = text } else { body_base64 = data.base64EncodedString() }
        }
    }

    var service: String
    var source: String
    var pid: Int32
    var time: Double
    var method: String
    var path: String
    var query: String
    var request: Body
    var user_agent: String
    var stripe_version: String
    /// The scheme only (`Bearer`, `Basic`; empty when absent): credentials are never recorded.
    var auth: String
    var status: Int?
    var response: Body?
    var thrown: String?
}

/// The middleware that feeds `ContractLog`. Installed outermost, so it sees the answer the client gets
/// (unknown-route errors and injected faults included).
struct ContractRecordingMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let log: ContractLogFile

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let service: String
        if path.hasPrefix("/v1/") {
            service = "stripe"
        } else if path == "/client/v4" || path.hasPrefix("/client/v4/") {
            service = "cloudflare"
        } else {
            return try await next(request, context)
        }
        var request = request
        let requestBody = try await request.collectBody(upTo: ResponseBuilding.maxBody)
        var entry = ContractExchange(
            service: service, source: "stand-in", pid: getpid(), time: Date().timeIntervalSince1970,
            method: request.method.rawValue, path: path, query: request.uri.query ?? "",
            request: .init(Data(requestBody.readableBytesView), contentType: ResponseBuilding.header(request, "Content-Type")),
            user_agent: ResponseBuilding.header(request, "User-Agent") ?? "",
            stripe_version: ResponseBuilding.header(request, "Stripe-Version") ?? "",
            auth: ContractLog.authScheme(ResponseBuilding.header(request, "Authorization")))
        let response: Response
        do {
            response = try await next(request, context)
        } catch is CancellationError {
            // The client hung up while the stand-in was still working (a held fault's delay, a killed instance):
            // no answer goes to anyone, so there is nothing to check against the vendor's document.
            throw CancellationError()
        } catch {
            // Hummingbird turns this into its own (non-vendor) answer: record it so the check reports it.
            entry.status = Int((error as? HTTPResponseError)?.status.code ?? 500)
            entry.thrown = "\(error)"
            log.append(entry)
            throw error
        }
        entry.status = Int(response.status.code)
        let contentType = response.headers[.contentType]
        let log = self.log
        let collector = BodyCollector()
        let body = response.body
        var recorded = response
        let pending = entry
        recorded.body = ResponseBody(contentLength: body.contentLength) { writer in
            let tee = TeeWriter(parent: writer, collector: collector) { data in
                var entry = pending
                entry.response = .init(data, contentType: contentType)
                log.append(entry)
            }
            try await body.write(tee)
        }
        return recorded
    }
}

/// The bytes of a response body as they are written.
private final class BodyCollector: Sendable {
    private let data = Mutex(Data())
    func add(_ buffer: ByteBuffer) { data.withLock { $0.append(contentsOf: buffer.readableBytesView) } }
    var bytes: Data { data.withLock { $0 } }
}

/// Passes every buffer on unchanged, keeping a copy; records before the end of the body is sent.
private struct TeeWriter: ResponseBodyWriter {
    var parent: any ResponseBodyWriter
    let collector: BodyCollector
    let onFinish: @Sendable (Data) -> Void

    mutating func write(_ buffer: ByteBuffer) async throws {
        collector.add(buffer)
        try await parent.write(buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        onFinish(collector.bytes)
        try await parent.finish(trailingHeaders)
    }
}
