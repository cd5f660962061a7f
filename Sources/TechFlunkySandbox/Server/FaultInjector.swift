import Foundation
import Hummingbird
import Synchronization

/// A failure or delay to inject into matching stand-in calls, for tests and demos.
///
/// `match` is `"METHOD path-pattern"` (or just the pattern, any method). In the pattern `*` matches within
/// one path segment, `**` (or `...`) any run of segments; it is matched against the request path both as
/// sent and with the `/client/v4` prefix removed, so `PUT /accounts/*/workers/scripts/*` works.
public struct SandboxFault: Sendable, Codable, Equatable {
    public var match: String
    /// HTTP status to answer; nil (or 0) only delays the call and lets it through.
    public var status: Int?
    /// Cloudflare error code (or, for Stripe paths, the Stripe error code as text) in the error body.
    public var code: Int?
    public var message: String?
    /// How many matching calls fail; nil means until cleared.
    public var times: Int?
    public var delayMs: Int?
    /// For 429: the `Retry-After` seconds.
    public var retryAfter: Int?

    public init(match: String, status: Int? = 500, code: Int? = nil, message: String? = nil, times: Int? = 1,
                delayMs: Int? = nil, retryAfter: Int? = nil) {
        self.match = match
        self.status = status
        self.code = code
        self.message = message
        self.times = times
        self.delayMs = delayMs
        self.retryAfter = retryAfter
    }
}

public final class FaultInjector: Sendable {
    struct Entry {
        var id: Int
        var fault: SandboxFault
        var remaining: Int?
        var hits: Int
    }

    private let entries = Mutex<(next: Int, list: [Entry])>((1, []))

    public init() {}

    @discardableResult
    public func add(_ fault: SandboxFault) -> Int {
        entries.withLock { state in
            let id = state.next
            state.next += 1
            state.list.append(Entry(id: id, fault: fault, remaining: fault.times, hits: 0))
            return id
        }
    }

    public func clear() { entries.withLock { $0.list.removeAll() } }

    public var active: [(id: Int, fault: SandboxFault, remaining: Int?, hits: Int)] {
        entries.withLock { $0.list.map { ($0.id, $0.fault, $0.remaining, $0.hits) } }
    }

    /// The first fault matching this call, counted as used.
    func take(method: String, path: String) -> SandboxFault? {
        entries.withLock { state in
            guard let index = state.list.firstIndex(where: { Self.matches($0.fault.match, method: method, path: path) }) else { return nil }
            state.list[index].hits += 1
            let fault = state.list[index].fault
            if let remaining = state.list[index].remaining {
                if remaining <= 1 { state.list.remove(at: index) } else { state.list[index].remaining = remaining - 1 }
            }
            return fault
        }
    }

    static func matches(_ match: String, method: String, path: String) -> Bool {
        let trimmed = match.trimmingCharacters(in: .whitespaces)
        var pattern = trimmed
        if let space = trimmed.firstIndex(of: " ") {
            let m = trimmed[..<space].uppercased()
            pattern = trimmed[trimmed.index(after: space)...].trimmingCharacters(in: .whitespaces)
            if m != "*" && m != method.uppercased() { return false }
        }
        pattern = pattern.replacingOccurrences(of: "...", with: "**")
        let candidates = [path, path.hasPrefix("/client/v4") ? String(path.dropFirst("/client/v4".count)) : path]
        return candidates.contains { glob(Array(pattern.utf8)[...], Array($0.utf8)[...]) }
    }

    private static func glob(_ p: ArraySlice<UInt8>, _ s: ArraySlice<UInt8>) -> Bool {
        guard let c = p.first else { return s.isEmpty }
        let star = UInt8(ascii: "*")
        if c == star {
            let doubled = p.dropFirst().first == star
            let rest = doubled ? p.dropFirst(2) : p.dropFirst()
            var i = s.startIndex
            while true {
                if glob(rest, s[i...]) { return true }
                if i == s.endIndex { return false }
                if !doubled && s[i] == UInt8(ascii: "/") { return false }
                i = s.index(after: i)
            }
        }
        guard let h = s.first, h == c else { return false }
        return glob(p.dropFirst(), s.dropFirst())
    }
}

/// Applies injected faults to Stripe (`/v1/…`) and Cloudflare (`/client/v4/…`) calls, answering each
/// API's own error shape, and to deployed Workers' smoke endpoints (`/workers.dev/…`).
struct FaultMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let faults: FaultInjector

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let isCloudflare = path.hasPrefix("/client/v4")
        let isWorker = path.hasPrefix("/workers.dev/")
        guard isCloudflare || isWorker || path.hasPrefix("/v1/"),
              let fault = faults.take(method: request.method.rawValue, path: path) else {
            return try await next(request, context)
        }
        if let delay = fault.delayMs, delay > 0 { try await Task.sleep(for: .milliseconds(delay)) }
        guard let status = fault.status, status > 0 else { return try await next(request, context) }
        var headers = HTTPFields()
        if let retryAfter = fault.retryAfter { headers = ResponseBuilding.fields([("Retry-After", String(retryAfter))]) }
        let message = fault.message ?? "Injected fault (sandbox): \(fault.match)"
        if isWorker {
            return ResponseBuilding.json(status, ["error": .string(message)], headers: headers)
        }
        if isCloudflare {
            return ResponseBuilding.json(status, CloudflareEnvelope.failure([(fault.code ?? 10013, message)]), headers: headers)
        }
        let error = StripeAPIError(status: status, type: status >= 500 ? "api_error" : "invalid_request_error",
                                   code: fault.code.map(String.init), message: message)
        return ResponseBuilding.json(status, error.json, headers: headers)
    }
}
