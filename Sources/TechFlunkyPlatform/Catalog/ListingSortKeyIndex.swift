import GRDB
import Synchronization

/// One sort key of every active listing, held in memory by row sequence for one `CatalogGeneration`, so a sorted
/// full-text search can order its matches without reading a listing row per match.
///
/// Why: a price-sorted search for a term a few percent of a million listings contain (10,000–80,000 matches) was
/// the slow case (p99 20 ms): either SQLite collected the matches into a temporary b-tree and walked the price index
/// probing it, or it walked the index checking each listing against the MATCH (7 µs a listing). With the keys in an
/// array indexed by sequence, the matches stream out of FTS5 in rowid order, each costs an array read and (rarely)
/// a place among the page's best, and the exact count falls out of the same pass (see `SQLiteCatalogStore.collectedPage`).
///
/// Cost: 8 bytes a listing per sort column used (created_at, price, revenue, profit, multiple), only for the columns
/// searches have asked for: 8 MB per column at a million listings, 40 MB if every sort is used. Read from the
/// column's covering index (`listings_<sort>`, status first) in about 0.1 s per million listings, only after
/// `buildAfter` asks under the same generation, so a catalog that changes often keeps to the SQL plans. The generation
/// rule is `GenerationCache`'s: read before the read transaction opens, keys read under it never answer for a later one.
///
/// With a `database` the keys are read in the background, in a read transaction of their own: the search that asked
/// is answered by the SQL plans meanwhile instead of waiting the 0.1–1.5 s the read takes (the outliers the previous
/// round measured at a million listings), and searches after the read use the keys. Without one (tests that want the
/// keys at once) the asking search reads them in its own transaction.
final class ListingSortKeyIndex: Sendable {
    enum Column: String, CaseIterable, Sendable {
        case createdAt = "created_at", price, revenue, profit, multiple
    }

    /// A column's keys by sequence: `values[seq]`; `absent` where the sequence is not an active listing.
    struct Keys<Value: Comparable & Sendable>: Sendable {
        let values: [Value]
        let absent: Value

        /// The key of listing `seq`, or nil when it was not an active listing when the keys were read.
        func key(_ seq: Int64) -> Value? {
            guard seq >= 0, seq < values.count else { return nil }
            let value = values[Int(seq)]
            // `value != value`: NaN, the absent mark of real keys, equals nothing, itself included.
            return value == absent || value != value ? nil : value
        }
    }

    enum ColumnKeys: Sendable {
        case integers(Keys<Int64>)
        case reals(Keys<Double>)

        var byteCount: Int {
            switch self {
            case let .integers(keys): keys.values.count * MemoryLayout<Int64>.stride
            case let .reals(keys): keys.values.count * MemoryLayout<Double>.stride
            }
        }
    }

    private struct State {
        var generation: UInt64 = 0
        var columns: [Column: ColumnKeys] = [:]
        var asked: [Column: Int] = [:]
        var reading: Set<Column> = []
        /// Columns that cannot be held this generation (a NULL multiple, which SQL sorts first): SQL answers.
        var unavailable: Set<Column> = []
    }

    private enum Plan { case held(ColumnKeys), sql, read }

    private let state = Mutex(State())
    let buildAfter: Int
    /// How many pages were served from held keys (for tests: proof the fast path answered, not the SQL plans).
    let pagesServed = Atomic<Int>(0)

    /// Reads keys in the background when set (see the type's note); nil: the asking search reads them.
    let database: PlatformDatabase?

    init(buildAfter: Int = 8, database: PlatformDatabase? = nil) {
        self.buildAfter = max(1, buildAfter)
        self.database = database
    }

    /// Background reads not yet finished, by number; `finished` holds those that ended before they were filed.
    private struct Builds {
        var next = 0
        var running: [Int: Task<Void, Never>] = [:]
        var finished: Set<Int> = []
    }
    private let builds = Mutex(Builds())

    /// Returns once every background read started so far has ended (tests and the bench await this event, not a sleep).
    func settle() async {
        while let (id, task) = builds.withLock({ $0.running.first.map { ($0.key, $0.value) } }) {
            await task.value
            builds.withLock { _ = $0.running.removeValue(forKey: id) }
        }
    }

    /// Starts reading `columns` in the background for the catalog as it is now (at a server's start: the first sorted
    /// searches then find their keys held). No-op without a database or for columns already held or being read.
    func warm(_ columns: [Column]) {
        guard database != nil else { return }
        for column in columns {
            let start = state.withLock { state -> Bool in
                guard let generation = database?.catalogGeneration.current else { return false }
                if state.generation != generation {
                    guard generation > state.generation else { return false }
                    state = State(generation: generation)
                }
                guard state.columns[column] == nil, !state.unavailable.contains(column), !state.reading.contains(column) else { return false }
                state.reading.insert(column)
                return true
            }
            if start { startBackgroundRead(column) }
        }
    }

    /// Reads `column` in a transaction of its own, under the generation read before it opens, and holds the keys
    /// when that generation is still the newest the index has seen.
    private func startBackgroundRead(_ column: Column) {
        guard let database else { return }
        let id = builds.withLock { builds -> Int in builds.next += 1; return builds.next }
        let task = Task.detached(priority: .utility) { [self] in
            defer {
                builds.withLock { builds in
                    if builds.running.removeValue(forKey: id) == nil { builds.finished.insert(id) }
                }
            }
            let generation = database.catalogGeneration.current
            let keys: ColumnKeys??
            do {
                keys = try await database.pool.read { db in try Self.read(db, column: column) }
            } catch {
                keys = nil
            }
            state.withLock { state in
                if generation > state.generation { state = State(generation: generation) }
                guard state.generation == generation else {
                    return
                }
                state.reading.remove(column)
                switch keys {
                case let .some(.some(held)): state.columns[column] = held
                case .some(.none): state.unavailable.insert(column)
                case .none: break  // the read failed: a later search asks again
                }
            }
        }
        builds.withLock { builds in
            if builds.finished.remove(id) == nil { builds.running[id] = task }
        }
    }

    /// The keys of `column` for `generation`, reading them in this transaction when they have been asked for often
    /// enough; nil while they are not held (the caller keeps to SQL).
    func keys(_ db: Database, generation: UInt64, column: Column) throws -> ColumnKeys? {
        let plan = state.withLock { state -> Plan in
            if state.generation != generation {
                guard generation > state.generation else { return .sql }
                state = State(generation: generation)
            }
            if let keys = state.columns[column] { return .held(keys) }
            if state.unavailable.contains(column) { return .sql }
            state.asked[column, default: 0] += 1
            guard state.asked[column, default: 0] >= buildAfter, !state.reading.contains(column) else { return .sql }
            state.reading.insert(column)
            return .read
        }
        switch plan {
        case let .held(keys): return keys
        case .sql: return nil
        case .read:
            if database != nil {
                startBackgroundRead(column)
                return nil
            }
            let keys: ColumnKeys?
            do {
                keys = try Self.read(db, column: column)
            } catch {
                state.withLock { if $0.generation == generation { $0.reading.remove(column) } }
                throw error
            }
            state.withLock { state in
                guard state.generation == generation else { return }
                if let keys { state.columns[column] = keys } else { state.unavailable.insert(column) }
                state.reading.remove(column)
            }
            return keys
        }
    }

    /// Bytes held for the current generation (for the bench and tests).
    var heldBytes: Int { state.withLock { $0.columns.values.reduce(0) { $0 + $1.byteCount } } }

    /// The column's keys, or nil when one of them cannot be held (NULL).
    static func read(_ db: Database, column: Column) throws -> ColumnKeys? {
        let top = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(seq) FROM listings")) ?? 0
        let count = Int(max(top, 0)) + 1
        // Status first in the index: the active listings are one range of it, read without touching a row.
        let sql = "SELECT seq, \(column.rawValue) FROM listings INDEXED BY listings_\(indexName(column)) WHERE status = 'active'"
        switch column {
        case .multiple:
            // Stored multiples are finite and positive (`SQLiteCatalogStore.multiple`); NaN marks a sequence without one.
            var values = [Double](repeating: .nan, count: count)
            let rows = try Row.fetchCursor(db.cachedStatement(sql: sql))
            while let row = try rows.next() {
                let seq: Int64 = row[0]
                guard seq >= 0, seq < count else { continue }
                guard let value = row[1] as Double? else { return nil }
                values[Int(seq)] = value
            }
            return .reals(Keys(values: values, absent: .nan))
        default:
            var values = [Int64](repeating: .min, count: count)
            let rows = try Row.fetchCursor(db.cachedStatement(sql: sql))
            while let row = try rows.next() {
                let seq: Int64 = row[0]
                guard seq >= 0, seq < count else { continue }
                guard let value = row[1] as Int64? else { return nil }
                values[Int(seq)] = value
            }
            return .integers(Keys(values: values, absent: .min))
        }
    }

    private static func indexName(_ column: Column) -> String {
        column == .createdAt ? "newest" : column.rawValue
    }
}
