import Foundation

/// When and how long to wait before repeating a request that failed in a way that may pass:
/// a timeout, a refused or dropped connection, 429, or a 5xx that signals a passing fault. Only
/// requests marked `retryable` (idempotent methods, or a POST carrying an `Idempotency-Key`) are
/// repeated. Waits grow exponentially with full jitter, so many clients do not retry in step.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included; 1 means never retry.
    public var maxAttempts: Int
    public var baseDelay: TimeInterval
    public var maxDelay: TimeInterval
    /// The longest `Retry-After` honoured; a server asking for more gets its 429/503 returned instead.
    public var maxRetryAfter: TimeInterval

    public init(maxAttempts: Int = 3, baseDelay: TimeInterval = 0.2, maxDelay: TimeInterval = 5, maxRetryAfter: TimeInterval = 30) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    public static let standard = RetryPolicy()
    public static let never = RetryPolicy(maxAttempts: 1)

    public static let retryableStatuses: Set<Int> = [429, 500, 502, 503, 504]

    /// Whether an error may pass on a second try.
    public static func isTransient(_ error: HTTPError) -> Bool {
        switch error {
        case .timedOut, .cannotConnect: true
        // 52 empty reply, 55 send error, 56 receive error: typically a pooled connection the server closed.
        case let .transport(_, code, _): [52, 55, 56].contains(code)
        default: false
        }
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1), or nil to give up.
    /// `retryAfter` is the server's `Retry-After` header, if any.
    public func delay(afterAttempt attempt: Int, retryAfter: String?) -> TimeInterval? {
        guard attempt < maxAttempts else { return nil }
        if let retryAfter, let asked = Self.parseRetryAfter(retryAfter) {
            return asked <= maxRetryAfter ? max(0, asked) : nil
        }
        let ceiling = min(maxDelay, baseDelay * pow(2, Double(attempt - 1)))
        return Double.random(in: 0...max(ceiling, 0.001))
    }

    /// `Retry-After`: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
    public static func parseRetryAfter(_ value: String, now: Date = Date()) -> TimeInterval? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(text) { return TimeInterval(max(0, seconds)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}
