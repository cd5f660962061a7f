import Foundation
import GRDB
import Synchronization

/// Remembers `total` counts of catalog queries until the catalog changes. Counting every match of a broad
/// query over a million listings costs tens of milliseconds while the page itself costs one; browsing repeats
/// the same query page after page. Entries are keyed by the SQL and its arguments and kept for one
/// `CatalogGeneration`: the first lookup under a newer generation drops them all.
final class ListingCountCache: Sendable {
    private struct Entries {
        var generation: UInt64 = 0
        var counts: [String: Int] = [:]
    }
    private let entries = Mutex(Entries())
    private let capacity = 4096

    func count(_ db: Database, generation: UInt64, sql: String, arguments: StatementArguments) throws -> Int {
        let key = "\(sql)|\(arguments.description)"
        let seen = entries.withLock { entries -> Int? in
            if entries.generation != generation {
                guard generation > entries.generation else { return nil }
                entries = Entries(generation: generation)
            }
            return entries.counts[key]
        }
        if let seen { return seen }
        let value = try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0
        entries.withLock { entries in
            guard entries.generation == generation else { return }
            if entries.counts.count >= capacity { entries.counts.removeAll(keepingCapacity: true) }
            entries.counts[key] = value
        }
        return value
    }
}
