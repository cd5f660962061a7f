import GRDB
import Synchronization

/// A number that grows with every committed transaction that changed what a listing page shows: any
/// row of `listings`, or a seller's `display_name` in `accounts`. Caches of listing pages and counts
/// remember the generation they were computed at and are valid only while it is still current.
///
/// On SQLite it watches the pool's writer connection, so it sees every write made through this process's
/// `PlatformDatabase` (routes, seeding, the demo loader, migrations run after it is added) without any
/// store having to remember to invalidate. The platform is the database's only writer (the data folder is
/// locked), so no other process can change the catalog behind it. On PostgreSQL several instances write one
/// database: the catalog store bumps it after its own commits, and `PostgresChangeFeed` after everyone's.
public final class CatalogGeneration: TransactionObserver, Sendable {
    private let value = Atomic<UInt64>(0)
    /// Whether the open transaction touched the catalog. Only read and written on the writer
    /// connection's queue, which runs one transaction at a time.
    private let pendingChange = Mutex(false)

    public init() {}

    /// The current generation. Read it before computing something cacheable and store the result under
    /// it: a change committed meanwhile leaves the entry under an old number, where it is never used.
    public var current: UInt64 { value.load(ordering: .acquiring) }

    public func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        switch eventKind {
        case .insert(let table), .delete(let table):
            return table == "listings" || table == "accounts"
        case .update(let table, let columns):
            return table == "listings" || (table == "accounts" && columns.contains("display_name"))
        }
    }

    /// A change made outside the SQLite writer (the PostgreSQL catalog store calls this after each write it commits).
    public func bump() {
        value.add(1, ordering: .releasing)
    }

    public func databaseDidChange() {
        pendingChange.withLock { $0 = true }
    }

    public func databaseDidChange(with event: DatabaseEvent) {
        pendingChange.withLock { $0 = true }
        // One change is enough to know; a bulk insert of a million rows need not call back a million times.
        stopObservingDatabaseChangesUntilNextTransaction()
    }

    public func databaseDidCommit(_ db: Database) {
        let changed = pendingChange.withLock { pending in
            defer { pending = false }
            return pending
        }
        if changed { value.add(1, ordering: .releasing) }
    }

    public func databaseDidRollback(_ db: Database) {
        pendingChange.withLock { $0 = false }
    }
}
