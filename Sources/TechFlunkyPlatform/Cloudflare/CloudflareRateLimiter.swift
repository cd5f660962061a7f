import Foundation

/// Paces calls to each Cloudflare account under its limit (1,200 requests per 5 minutes) with one
/// token bucket per account id, shared by every deployment into that account.
///
/// The default keeps a margin (1,000 per 300 s, burst 100) because the buyer may use the same
/// account from elsewhere while we deploy. Callers `acquire` before every request; when the bucket
/// is empty they wait exactly until the next token is due, so many concurrent deployments into one
/// account queue fairly instead of tripping Cloudflare's 429.
public actor CloudflareRateLimiter {
    public struct Policy: Sendable, Hashable {
        /// Tokens added per second.
        public var refillPerSecond: Double
        /// Most tokens a bucket holds (the burst).
        public var capacity: Double

        public init(refillPerSecond: Double, capacity: Double) {
            self.refillPerSecond = refillPerSecond
            self.capacity = capacity
        }

        /// 1,000 requests per 5 minutes, bursts of 100: under Cloudflare's 1,200 / 5 min.
        public static let cloudflareDefault = Policy(refillPerSecond: 1000.0 / 300.0, capacity: 100)
    }

    private struct Bucket {
        var tokens: Double
        var updatedAt: Double
    }

    private let policy: Policy
    private let now: @Sendable () -> Double
    private var buckets: [String: Bucket] = [:]

    /// `now` is seconds on a monotonic scale; tests pass a fake one.
    public init(policy: Policy = .cloudflareDefault,
                now: @escaping @Sendable () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }) {
        self.policy = policy
        self.now = now
    }

    /// Takes one token for `accountId` and returns how long the caller must wait before sending
    /// (zero when a token was available). The token is taken at once, so callers queue in order.
    public func reserve(accountId: String) -> Double {
        let t = now()
        var bucket = buckets[accountId] ?? Bucket(tokens: policy.capacity, updatedAt: t)
        bucket.tokens = min(policy.capacity, bucket.tokens + (t - bucket.updatedAt) * policy.refillPerSecond)
        bucket.updatedAt = t
        bucket.tokens -= 1
        buckets[accountId] = bucket
        if bucket.tokens >= 0 { return 0 }
        // Negative tokens are debt: the caller waits until its token has been refilled.
        return -bucket.tokens / policy.refillPerSecond
    }

    /// Waits until a request to `accountId` may be sent.
    public func acquire(accountId: String) async throws {
        let wait = reserve(accountId: accountId)
        if wait > 0 { try await Task.sleep(nanoseconds: UInt64(wait * 1e9)) }
    }
}
