import Foundation
import GRDB

/// Remembers `total` counts of catalog queries until the catalog changes. Counting every match of a broad
/// query over a million listings costs tens of milliseconds while the page itself costs one; browsing repeats
/// the same query page after page. Entries are keyed by the SQL, its arguments and the newest listing
/// sequence (so bulk inserts outside the store invalidate too); `invalidate()` covers updates and withdrawals.
final class ListingCountCache: @unchecked Sendable {
    // @unchecked: `entries` and `generation` are only touched while holding `lock`.
    private let lock = NSLock()
    private var entries: [String: Int] = [:]
    private var generation = 0
    private let capacity = 4096

    func invalidate() {
        lock.withLock {
            generation += 1
            entries.removeAll(keepingCapacity: true)
        }
    }

    func count(_ db: Database, sql: String, arguments: StatementArguments) throws -> Int {
        let newest = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM listings") ?? 0
        let (key, seen) = lock.withLock { () -> (String, Int?) in
            let key = "\(generation)|\(newest)|\(sql)|\(arguments.description)"
            return (key, entries[key])
        }
        if let seen { return seen }
        let value = try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0
        lock.withLock {
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = value
        }
        return value
    }
}
