import TechFlunkyCore

/// What may pass on a second try over HTTP. The waits themselves are Core's `RetryPolicy`; only requests
/// marked `retryable` (idempotent methods, or a POST carrying an `Idempotency-Key`) are repeated.
extension RetryPolicy {
    /// 429, or a 5xx that signals a passing fault.
    public static let retryableStatuses: Set<Int> = [429, 500, 502, 503, 504]

    /// Whether an error may pass on a second try: a timeout, a refused or dropped connection.
    public static func isTransient(_ error: HTTPError) -> Bool {
        switch error {
        case .timedOut, .cannotConnect: true
        // 52 empty reply, 55 send error, 56 receive error: typically a pooled connection the server closed.
        case let .transport(_, code, _): [52, 55, 56].contains(code)
        default: false
        }
    }
}
