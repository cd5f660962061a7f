import Foundation

// TechFlunkyHTTP: the one HTTP client of the project, on libcurl. Used by TechFlunkyClient (the
// service layer) and by the platform's Stripe and Cloudflare clients. May import CCurl and Core.

/// Header fields in order; names compare case-insensitively.
public struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var fields: [(name: String, value: String)] = []

    public init() {}
    public init(_ fields: [(String, String)]) { self.fields = fields.map { (name: $0.0, value: $0.1) } }
    public init(dictionaryLiteral elements: (String, String)...) { self.init(elements) }

    public subscript(name: String) -> String? {
        get { fields.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value }
        set {
            fields.removeAll { $0.name.caseInsensitiveCompare(name) == .orderedSame }
            if let newValue { fields.append((name: name, value: newValue)) }
        }
    }

    public mutating func add(_ name: String, _ value: String) { fields.append((name: name, value: value)) }

    public func values(for name: String) -> [String] {
        fields.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    public static func == (a: HTTPHeaders, b: HTTPHeaders) -> Bool {
        a.fields.count == b.fields.count && zip(a.fields, b.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for f in fields { hasher.combine(f.name); hasher.combine(f.value) }
    }
}

public enum HTTPMethod: String, Sendable {
    case GET, POST, PUT, PATCH, DELETE, HEAD

    /// Safe to repeat after a timeout or 5xx without changing the outcome.
    public var isIdempotent: Bool { self != .POST && self != .PATCH }
}

public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    public var url: String
    public var headers: HTTPHeaders
    public var body: Data?
    /// Limits for this request; nil uses the client's defaults.
    public var timeouts: HTTPTimeouts?
    /// Whether a failed attempt may be retried (defaults to the method's idempotency; a POST with
    /// an `Idempotency-Key` may set it true).
    public var retryable: Bool

    public init(method: HTTPMethod = .GET, url: String, headers: HTTPHeaders = [:], body: Data? = nil,
                timeouts: HTTPTimeouts? = nil, retryable: Bool? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeouts = timeouts
        self.retryable = retryable ?? method.isIdempotent
    }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: Data

    public init(status: Int, headers: HTTPHeaders, body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// A response whose body arrives as it is received (event streams, large downloads).
public struct HTTPStreamingResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    /// Chunks as libcurl delivers them. Ends when the transfer ends; throws `HTTPError` on failure.
    /// Cancelling the consuming task aborts the transfer.
    public var body: AsyncThrowingStream<Data, Error>

    public init(status: Int, headers: HTTPHeaders, body: AsyncThrowingStream<Data, Error>) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

public struct HTTPTimeouts: Sendable, Hashable {
    public var connect: TimeInterval
    /// Whole transfer; nil for none (event streams).
    public var total: TimeInterval?
    /// Abort when fewer than `lowSpeedBytes` per second arrive for `lowSpeedTime` seconds.
    public var lowSpeedBytes: Int
    public var lowSpeedTime: TimeInterval?

    public init(connect: TimeInterval = 10, total: TimeInterval? = 30, lowSpeedBytes: Int = 1, lowSpeedTime: TimeInterval? = nil) {
        self.connect = connect
        self.total = total
        self.lowSpeedBytes = lowSpeedBytes
        self.lowSpeedTime = lowSpeedTime
    }

    public static let standard = HTTPTimeouts()
    public static let streaming = HTTPTimeouts(connect: 10, total: nil, lowSpeedBytes: 1, lowSpeedTime: 45)
}

public enum HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// DNS failure, refused connection, unreachable host.
    case cannotConnect(url: String, detail: String)
    case timedOut(url: String)
    case tls(url: String, detail: String)
    case responseTooLarge(url: String, limit: Int)
    case cancelled
    case invalidURL(String)
    /// Any other transport failure (libcurl's code and message).
    case transport(url: String, code: Int, detail: String)

    public var description: String {
        switch self {
        case let .cannotConnect(url, detail): "cannot reach \(url): \(detail)"
        case let .timedOut(url): "timed out waiting for \(url)"
        case let .tls(url, detail): "TLS failure talking to \(url): \(detail)"
        case let .responseTooLarge(url, limit): "response from \(url) is larger than \(limit) bytes"
        case .cancelled: "request cancelled"
        case let .invalidURL(url): "not a valid URL: \(url)"
        case let .transport(url, code, detail): "request to \(url) failed (curl \(code)): \(detail)"
        }
    }
}

/// What the Stripe and Cloudflare clients and the service layer need from an HTTP client, so tests
/// may wrap the real one (fault injection, recording).
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
    func stream(_ request: HTTPRequest) async throws -> HTTPStreamingResponse
}
