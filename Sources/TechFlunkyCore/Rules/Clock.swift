import Foundation

/// The marketplace's notion of "now", the one clock protocol of the project. The platform's hold releases,
/// idempotency-key expiry, session expiry and deployment steps read it, and so do the Stripe and Cloudflare
/// stand-ins (session expiry, event times), so tests and the sandbox can move time forward instead of waiting
/// three days.
public protocol PlatformClock: Sendable {
    func now() -> Date
}

extension PlatformClock {
    /// `now()` in whole seconds since 1970, as Stripe's timestamps are.
    public var unixTime: Int64 { Int64(now().timeIntervalSince1970.rounded(.down)) }
}

/// The wall clock.
public struct SystemClock: PlatformClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that can be moved forward. It either runs with another clock plus an offset (the wall clock by
/// default: time keeps running, `advance` jumps ahead; the sandbox's stand-ins follow the platform's clock this
/// way) or stands still at a fixed instant until moved (tests).
public final class MovableClock: PlatformClock, @unchecked Sendable {
    // @unchecked: every access to the mutable fields goes through `lock`; `base` is immutable and Sendable.
    private let lock = NSLock()
    private var offset: TimeInterval
    private var fixed: Date?
    private let base: any PlatformClock

    /// A clock that runs with `base` (the wall clock unless given), `offset` seconds ahead.
    public init(following base: any PlatformClock = SystemClock(), offsetSeconds: TimeInterval = 0) {
        self.base = base
        offset = offsetSeconds
        fixed = nil
    }

    /// A clock that stands still at `instant` until moved.
    public init(frozenAt instant: Date) {
        base = SystemClock()
        offset = 0
        fixed = instant
    }

    public func now() -> Date {
        let (fixed, offset) = lock.withLock { (self.fixed, self.offset) }
        return (fixed ?? base.now()).addingTimeInterval(offset)
    }

    /// How far this clock runs ahead of where it started (its base clock or frozen instant).
    public var offsetSeconds: TimeInterval { lock.withLock { offset } }

    /// Moves the clock forward. Negative values are refused: holds and expiries assume time never runs back.
    public func advance(by seconds: TimeInterval) {
        precondition(seconds >= 0 && seconds.isFinite, "clocks only move forward")
        lock.withLock { offset += seconds }
    }
}
