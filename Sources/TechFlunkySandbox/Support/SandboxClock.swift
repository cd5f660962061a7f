import Foundation
import Synchronization

/// The stand-ins' clock: the wall clock plus an offset that tests and the demo may move forward
/// (to let Checkout Sessions expire without waiting a day).
public final class SandboxClock: Sendable {
    private let offset = Mutex<TimeInterval>(0)
    private let base: @Sendable () -> Date

    public init(base: @escaping @Sendable () -> Date = { Date() }) { self.base = base }

    public func now() -> Date { base().addingTimeInterval(offset.withLock { $0 }) }
    public var unixTime: Int64 { Int64(now().timeIntervalSince1970.rounded(.down)) }

    public func advance(by seconds: TimeInterval) { offset.withLock { $0 += seconds } }
}
