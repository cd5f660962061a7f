import Foundation

/// When and how long to wait before trying again something that failed in a way that may pass: an HTTP
/// request (`CurlHTTPClient`, the Cloudflare client), a webhook delivery, a reconnect of an event stream.
///
/// The wait after attempt `n` (counting from 1) is `baseDelay × 2^(n-1)`, at most `maxDelay`, spread by
/// `jitter` so that many clients do not retry in step. After `maxAttempts` attempts in all there is no
/// next wait. The transport-specific parts (which errors and statuses may pass) live beside each client.
public struct RetryPolicy: Sendable, Hashable {
    /// How a wait is spread around its exponential value.
    public enum Jitter: Sendable, Hashable {
        /// Exactly the exponential wait (a webhook's schedule is stored and shown).
        case none
        /// Anywhere from 0 to the wait ("full jitter"; the HTTP client).
        case full
        /// Anywhere from half the wait to all of it (event-stream reconnects: never hammering at once).
        case upperHalf
        /// The wait times a factor in `1 - f ... 1 + f`, still at most `maxDelay` (the Cloudflare client).
        case proportional(Double)
    }

    /// Attempts in all, the first included; 1 means never retry.
    public var maxAttempts: Int
    public var baseDelay: TimeInterval
    /// The longest single wait.
    public var maxDelay: TimeInterval
    /// The longest `Retry-After` honoured; a server asking for more gets its 429/503 returned instead.
    public var maxRetryAfter: TimeInterval
    public var jitter: Jitter

    public init(maxAttempts: Int = 3, baseDelay: TimeInterval = 0.2, maxDelay: TimeInterval = 5, maxRetryAfter: TimeInterval = 30,
                jitter: Jitter = .full) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.jitter = jitter
    }

    /// The HTTP client's default: three attempts, 0.2 s doubling up to 5 s, full jitter.
    public static let standard = RetryPolicy()
    public static let never = RetryPolicy(maxAttempts: 1)
    /// Calls to Cloudflare's API: four attempts, 0.25 s doubling up to 30 s (also the longest `Retry-After`
    /// honoured), ±25 %.
    public static let cloudflare = RetryPolicy(maxAttempts: 4, baseDelay: 0.25, maxDelay: 30, maxRetryAfter: 30, jitter: .proportional(0.25))

    /// The exponential wait after attempt `attempt` (counting from 1), capped at `maxDelay`, before jitter.
    public func backoff(afterAttempt attempt: Int) -> TimeInterval {
        min(maxDelay, baseDelay * pow(2, Double(max(1, attempt) - 1)))
    }

    /// `seconds` spread by this policy's jitter.
    public func jittered<G: RandomNumberGenerator>(_ seconds: TimeInterval, using generator: inout G) -> TimeInterval {
        switch jitter {
        case .none: seconds
        case .full: Double.random(in: 0...max(seconds, 0.001), using: &generator)
        case .upperHalf: seconds * Double.random(in: 0.5...1.0, using: &generator)
        case let .proportional(f): min(maxDelay, seconds * Double.random(in: (1 - f)...(1 + f), using: &generator))
        }
    }

    public func jittered(_ seconds: TimeInterval) -> TimeInterval {
        var generator = SystemRandomNumberGenerator()
        return jittered(seconds, using: &generator)
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1), or nil to give up. `retryAfter` is the
    /// server's `Retry-After` header, if any: honoured as asked up to `maxRetryAfter`, else nil.
    public func delay(afterAttempt attempt: Int, retryAfter: String? = nil) -> TimeInterval? {
        var generator = SystemRandomNumberGenerator()
        return delay(afterAttempt: attempt, retryAfter: retryAfter, using: &generator)
    }

    public func delay<G: RandomNumberGenerator>(afterAttempt attempt: Int, retryAfter: String? = nil,
                                                using generator: inout G) -> TimeInterval? {
        guard attempt < maxAttempts else { return nil }
        if let retryAfter, let asked = Self.parseRetryAfter(retryAfter) {
            return asked <= maxRetryAfter ? max(0, asked) : nil
        }
        return jittered(backoff(afterAttempt: attempt), using: &generator)
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
