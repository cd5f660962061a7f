import GRDB
import Synchronization

/// Rings every listener after a committed transaction that added or changed a row of `notifications`.
///
/// Like `CatalogGeneration` it watches the pool's writer connection, so every way a notification is written
/// (a price change in the catalog store, a payment in the order store, a release, `NotificationService.notify`)
/// wakes the SSE streams without any of them having to remember to. A ring carries no data: each stream reads
/// its own account's rows after the last one it sent, so a ring that wakes a stream for someone else's
/// notification costs one indexed query and sends nothing.
public final class NotificationBell: TransactionObserver, Sendable {
    public typealias Listener = @Sendable () -> Void

    private let listeners = Mutex<[UInt64: Listener]>([:])
    private let nextId = Atomic<UInt64>(0)
    /// Whether the open transaction touched `notifications`; only used on the writer connection's queue.
    private let pendingChange = Mutex(false)

    public init() {}

    /// Adds a listener; keep the id to remove it. Listeners run on the writer's queue after a commit, so they
    /// must only hand the ring on (yield into a stream).
    public func listen(_ listener: @escaping Listener) -> UInt64 {
        let id = nextId.add(1, ordering: .relaxed).newValue
        listeners.withLock { $0[id] = listener }
        return id
    }

    public func stopListening(_ id: UInt64) {
        _ = listeners.withLock { $0.removeValue(forKey: id) }
    }

    public var listenerCount: Int { listeners.withLock { $0.count } }

    /// Rings for a change committed where no GRDB observer sees it: on PostgreSQL, a notification written by this
    /// instance or another (`PostgresChangeFeed` hears the `notifications_changed` trigger's NOTIFY).
    public func ring() {
        for listener in listeners.withLock({ Array($0.values) }) { listener() }
    }

    public func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        eventKind.tableName == "notifications"
    }

    public func databaseDidChange(with event: DatabaseEvent) {
        pendingChange.withLock { $0 = true }
        stopObservingDatabaseChangesUntilNextTransaction()
    }

    public func databaseDidCommit(_ db: Database) {
        let changed = pendingChange.withLock { pending in
            defer { pending = false }
            return pending
        }
        guard changed else { return }
        ring()
    }

    public func databaseDidRollback(_ db: Database) {
        pendingChange.withLock { $0 = false }
    }
}
