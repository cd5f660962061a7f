import Foundation
import GRDB

/// Remembers `total` counts of catalog queries until the catalog changes. Counting every match of a broad
/// query over a million listings costs tens of milliseconds while the page itself costs one; browsing repeats
/// the same query page after page. Entries are keyed by the SQL and its arguments and kept for one
/// `CatalogGeneration` (`GenerationCache`).
final class ListingCountCache: Sendable {
    private let counts = GenerationCache<String, Int>(maxEntries: 4096)

    func count(_ db: Database, generation: UInt64, sql: String, arguments: StatementArguments) throws -> Int {
        let key = "\(sql)|\(arguments.description)"
        if let seen = counts.value(for: key, generation: generation) { return seen }
        let value = try Int.fetchOne(db.cachedStatement(sql: sql), arguments: arguments) ?? 0
        counts.store(value, for: key, generation: generation)
        return value
    }
}
