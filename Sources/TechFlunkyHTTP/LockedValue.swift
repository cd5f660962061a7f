import Foundation

/// A value guarded by a lock, for the little state shared between the curl thread and tasks.
///
/// `@unchecked Sendable` is safe: `value` is only reached through `withValue`, which holds `lock`.
public final class LockedValue<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    public func withValue<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
