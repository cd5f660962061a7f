import Foundation

/// Slows password guessing: after `limit` failed sign-ins for one email within `window`, further attempts
/// are refused (429 with `Retry-After`) until the oldest failure leaves the window. In memory, per process:
/// a restart forgets, which only helps a guesser by `limit` more tries.
actor LoginThrottle {
    let limit: Int
    let window: TimeInterval
    private var failures: [String: [Date]] = [:]
    private let maximumTracked = 100_000

    init(limit: Int = 10, window: TimeInterval = 15 * 60) {
        self.limit = limit
        self.window = window
    }

    /// Seconds to wait before another attempt, or nil when one may be made now.
    func retryAfter(email: String, now: Date) -> Int? {
        let key = email.lowercased()
        let recent = (failures[key] ?? []).filter { now.timeIntervalSince($0) < window }
        failures[key] = recent.isEmpty ? nil : recent
        guard recent.count >= limit, let oldest = recent.first else { return nil }
        return max(1, Int((window - now.timeIntervalSince(oldest)).rounded(.up)))
    }

    func recordFailure(email: String, now: Date) {
        if failures.count >= maximumTracked { failures.removeAll(keepingCapacity: true) }
        failures[email.lowercased(), default: []].append(now)
    }

    func recordSuccess(email: String) {
        failures[email.lowercased()] = nil
    }
}
