import Foundation

/// The platform's notion of "now", the one clock of the platform. Hold releases, idempotency-key expiry,
/// session expiry and the deployment orchestrator's steps and events all read it, so tests and the sandbox
/// can move time forward instead of waiting three days.
public protocol PlatformClock: Sendable {
    func now() -> Date
}

/// The wall clock.
public struct SystemClock: PlatformClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that can be moved forward. It either flows with the wall clock plus an offset (the sandbox:
/// time keeps running, `advance` jumps ahead) or stands still at a fixed instant until moved (tests).
public final class MovableClock: PlatformClock, @unchecked Sendable {
    // @unchecked: every access to the mutable fields goes through `lock`.
    private let lock = NSLock()
    private var offset: TimeInterval
    private var fixed: Date?

    /// A clock that runs with the wall clock, `offset` seconds ahead.
    public init(offsetSeconds: TimeInterval = 0) {
        offset = offsetSeconds
        fixed = nil
    }

    /// A clock that stands still at `instant` until moved.
    public init(frozenAt instant: Date) {
        offset = 0
        fixed = instant
    }

    public func now() -> Date {
        lock.withLock { fixed.map { $0.addingTimeInterval(offset) } ?? Date().addingTimeInterval(offset) }
    }

    /// How far this clock runs ahead of where it started (wall clock or frozen instant).
    public var offsetSeconds: TimeInterval { lock.withLock { offset } }

    /// Moves the clock forward. Negative values are refused: holds and expiries assume time never runs back.
    public func advance(by seconds: TimeInterval) {
        precondition(seconds >= 0 && seconds.isFinite, "clocks only move forward")
        lock.withLock { offset += seconds }
    }
}
