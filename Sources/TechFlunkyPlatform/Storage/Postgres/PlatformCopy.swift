import Foundation
import GRDB
import Logging
import NIOCore
import PostgresNIO

/// `techflunky admin copy`: an existing SQLite platform into an empty, migrated PostgreSQL database.
///
/// Generic on purpose: the tables copied are the PostgreSQL schema's (`PostgresSchema`, whatever migrations this
/// binary has), in foreign-key order, each with the columns both engines have, so a store ported later is copied
/// without this file changing. Values are converted by the PostgreSQL column's type (SQLite's 0/1 to BOOLEAN, REAL to
/// double precision, BLOB to bytea); a value that does not convert is an error naming its table, column and row.
///
/// Safe by default:
/// - the source is read in one read transaction (a consistent snapshot, even while `serve` writes to it), never
///   written;
/// - the target is written in one transaction: the row counts are compared before it commits, so a failure or a
///   mismatch leaves the target as it was;
/// - a target that already holds rows is refused (`replace` empties it first, in the same transaction);
/// - SQLite data with no PostgreSQL table or column to go to (a store not ported yet) is refused, naming it, unless
///   `partial` says to leave it behind; SQLite's own tables (`sqlite_*`, `grdb_migrations`, full-text indexes and
///   their shadow tables: PostgreSQL keeps its own search index) are skipped and listed.
/// Identity columns (`listings.seq`) are copied as they are (`OVERRIDING SYSTEM VALUE`, so cursors and ids keep
/// working) and their sequences moved past both the highest value and SQLite's AUTOINCREMENT high-water mark.
public enum PlatformCopy {
    public struct Options: Sendable {
        /// Empty every table of the target first (in the copy's transaction) instead of refusing a non-empty one.
        public var replace = false
        /// Copy even when SQLite holds rows or values PostgreSQL has no table or column for (they are listed).
        public var partial = false
        /// Rows per INSERT (fewer when a table has many columns: a statement takes at most 65,535 parameters).
        public var batchSize = 1_000
        public init(replace: Bool = false, partial: Bool = false, batchSize: Int = 1_000) {
            self.replace = replace
            self.partial = partial
            self.batchSize = max(1, batchSize)
        }
    }

    /// What was copied and what was not.
    public struct Report: Sendable, Equatable {
        public struct Table: Sendable, Equatable {
            public var name: String
            public var rows: Int
            /// Columns copied.
            public var columns: [String]
            /// SQLite columns with no PostgreSQL twin (only NULLs in them, or `partial`).
            public var sqliteOnlyColumns: [String]
            /// Identity column and the value its sequence gives next.
            public var identity: (column: String, next: Int64)?

            public static func == (a: Table, b: Table) -> Bool {
                a.name == b.name && a.rows == b.rows && a.columns == b.columns && a.sqliteOnlyColumns == b.sqliteOnlyColumns
                    && a.identity?.column == b.identity?.column && a.identity?.next == b.identity?.next
            }
        }

        public var source: String
        public var target: String
        /// In the order they were copied (foreign-key order).
        public var tables: [Table]
        /// SQLite's own tables, never copied (schema bookkeeping, full-text indexes).
        public var internalTables: [String]
        /// SQLite tables with no PostgreSQL table, and their row counts (non-zero only with `partial`).
        public var notCopied: [(name: String, rows: Int)]
        /// PostgreSQL tables the SQLite database does not have (left empty).
        public var postgresOnly: [String]
        /// The target's tables that were emptied first (`replace`), with the rows they held.
        public var replaced: [(name: String, rows: Int)]
        public var seconds: Double

        public var totalRows: Int { tables.reduce(0) { $0 + $1.rows } }

        public static func == (a: Report, b: Report) -> Bool {
            a.source == b.source && a.target == b.target && a.tables == b.tables && a.internalTables == b.internalTables
                && a.notCopied.map(\.name) == b.notCopied.map(\.name) && a.notCopied.map(\.rows) == b.notCopied.map(\.rows)
                && a.postgresOnly == b.postgresOnly
        }
    }

    /// Progress of the table being copied: its name, rows done, rows in all.
    public typealias Progress = @Sendable (_ table: String, _ done: Int, _ total: Int) -> Void

    /// Copies the SQLite platform database at `sqlitePath` into the PostgreSQL database `url` names, applying the
    /// PostgreSQL migrations first (as `serve` does at start). Throws `PlatformCopyError`.
    public static func run(sqlitePath: String, to url: PostgresURL, options: Options = Options(), logger: Logger,
                           progress: Progress? = nil) async throws -> Report {
        let started = Date()
        let source = try SQLiteSnapshot(path: sqlitePath)
        defer { source.close() }

        do {
            try await PostgresSchema.migrate(url: url, logger: logger)
        } catch let error as PostgresEngineError {
            throw PlatformCopyError.postgres(error)
        }
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connectUnlessCancelled(configuration: try url.connectionConfiguration(), id: 1, logger: logger)
        } catch {
            throw PlatformCopyError.postgres(.connect(url: url, error))
        }
        let target = Target(connection: connection, url: url, logger: logger)
        do {
            let report = try await copy(from: source, to: target, options: options, progress: progress, started: started)
            try? await connection.close()
            return report
        } catch {
            _ = try? await target.run("ROLLBACK")
            try? await connection.close()
            throw error
        }
    }

    private static func copy(from source: SQLiteSnapshot, to target: Target, options: Options, progress: Progress?,
                             started: Date) async throws -> Report {
        let sqliteTables = try source.tables()
        let schema = try await target.schema()
        let order = try await target.foreignKeyOrder(of: schema.keys.sorted())

        // What each engine has that the other has not.
        let copied = order.filter { sqliteTables.data[$0] != nil }
        let notCopied = sqliteTables.data.keys.filter { schema[$0] == nil }.sorted()
        var notCopiedRows: [(name: String, rows: Int)] = []
        for name in notCopied { notCopiedRows.append((name, try source.count(name))) }
        var plans: [TablePlan] = []
        var lostColumns: [(table: String, column: String, values: Int)] = []
        for name in copied {
            let sqliteColumns = sqliteTables.data[name] ?? []
            let columns = (schema[name] ?? []).filter { !$0.generated && sqliteColumns.contains($0.name) }
            let targetNames = Set((schema[name] ?? []).map(\.name))
            let sqliteOnly = sqliteColumns.filter { !targetNames.contains($0) }
            for column in sqliteOnly {
                let values = try source.nonNullCount(table: name, column: column)
                if values > 0 { lostColumns.append((name, column, values)) }
            }
            plans.append(TablePlan(name: name, columns: columns, sqliteOnlyColumns: sqliteOnly, rows: try source.count(name)))
        }
        let lostTables = notCopiedRows.filter { $0.rows > 0 }
        if !options.partial && (!lostTables.isEmpty || !lostColumns.isEmpty) {
            throw PlatformCopyError.dataWithoutTarget(tables: lostTables, columns: lostColumns)
        }

        try await target.run("BEGIN")
        // Nothing else writes these tables until the copy commits (an instance started early waits, rather than
        // interleaving its rows or taking an id the copy brings); reading them stays possible. A table someone holds
        // fails the copy within seconds instead of waiting for ever.
        let targetTables = order
        if !targetTables.isEmpty {
            try await target.run("SET LOCAL lock_timeout = '10s'")
            do {
                try await target.run(PostgresQuery(unsafeSQL: "LOCK TABLE \(targetTables.map(quoted).joined(separator: ", ")) IN EXCLUSIVE MODE"))
            } catch PlatformCopyError.postgres(let error) where PostgresDatabase.sqlState(of: error) == "55P03" {
                throw PlatformCopyError.targetBusy(url: target.url)
            }
        }
        var replaced: [(name: String, rows: Int)] = []
        var occupied: [(name: String, rows: Int)] = []
        for name in targetTables {
            let rows = try await target.count(name)
            if rows > 0 { occupied.append((name, rows)) }
        }
        if !occupied.isEmpty {
            guard options.replace else { throw PlatformCopyError.targetNotEmpty(url: target.url, tables: occupied) }
            try await target.run(PostgresQuery(unsafeSQL: "TRUNCATE \(targetTables.map(quoted).joined(separator: ", ")) RESTART IDENTITY"))
            replaced = occupied
        }

        var tables: [Report.Table] = []
        for plan in plans {
            let table = try await copyTable(plan, from: source, to: target, batchSize: options.batchSize, progress: progress)
            tables.append(table)
        }
        // The counts, read back inside the transaction: a mismatch commits nothing.
        for table in tables {
            let expected = try source.count(table.name)
            let got = try await target.count(table.name)
            guard got == expected, table.rows == expected else {
                throw PlatformCopyError.countMismatch(table: table.name, sqlite: expected, postgres: got)
            }
        }
        try await target.run("COMMIT")
        return Report(source: source.path, target: target.url.description, tables: tables, internalTables: sqliteTables.internal,
                      notCopied: notCopiedRows, postgresOnly: order.filter { sqliteTables.data[$0] == nil },
                      replaced: replaced, seconds: Date().timeIntervalSince(started))
    }

    struct TablePlan {
        var name: String
        var columns: [Target.Column]
        var sqliteOnlyColumns: [String]
        var rows: Int
    }

    private static func copyTable(_ plan: TablePlan, from source: SQLiteSnapshot, to target: Target, batchSize: Int,
                                  progress: Progress?) async throws -> Report.Table {
        let columns = plan.columns
        guard !columns.isEmpty else {
            return Report.Table(name: plan.name, rows: 0, columns: [], sqliteOnlyColumns: plan.sqliteOnlyColumns, identity: nil)
        }
        let perBatch = max(1, min(batchSize, 65_535 / columns.count))
        let identityColumn = columns.first(where: \.identity)
        let head = "INSERT INTO \(quoted(plan.name)) (\(columns.map { quoted($0.name) }.joined(separator: ", ")))"
            + (identityColumn != nil ? " OVERRIDING SYSTEM VALUE" : "") + " VALUES "
        var copiedRows = 0
        progress?(plan.name, 0, plan.rows)
        var cursor = SQLiteSnapshot.Cursor.start
        while true {
            let (rows, next) = try source.batch(table: plan.name, columns: columns.map { ($0.name, $0.kind.readsText) },
                                                after: cursor, limit: perBatch)
            if rows.isEmpty { break }
            var bindings = PostgresBindings(capacity: rows.count * columns.count)
            var tuples: [String] = []
            tuples.reserveCapacity(rows.count)
            for row in rows {
                var placeholders: [String] = []
                placeholders.reserveCapacity(columns.count)
                for (index, column) in columns.enumerated() {
                    do {
                        try column.kind.bind(row.values[index], into: &bindings)
                    } catch let problem as ValueProblem {
                        throw PlatformCopyError.value(table: plan.name, column: column.name, row: row.key, problem: problem.message)
                    }
                    placeholders.append(column.kind.placeholder(bindings.count))
                }
                tuples.append("(" + placeholders.joined(separator: ", ") + ")")
            }
            try await target.run(PostgresQuery(unsafeSQL: head + tuples.joined(separator: ", "), binds: bindings))
            copiedRows += rows.count
            progress?(plan.name, copiedRows, plan.rows)
            cursor = next
        }
        var identity: (column: String, next: Int64)?
        if let identityColumn {
            let highest = try await target.maximum(table: plan.name, column: identityColumn.name) ?? 0
            let next = max(highest, try source.autoincrementHighWater(table: plan.name) ?? 0) + 1
            // Interpolations in a PostgresQuery literal are bind parameters: the quoted table name and the column as text.
            try await target.run("SELECT setval(pg_get_serial_sequence(\(quoted(plan.name)), \(identityColumn.name)), \(next), false)")
            identity = (identityColumn.name, next)
        }
        return Report.Table(name: plan.name, rows: copiedRows, columns: columns.map(\.name), sqliteOnlyColumns: plan.sqliteOnlyColumns,
                            identity: identity)
    }

    /// An SQL identifier, double-quoted.
    static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    struct ValueProblem: Error { var message: String }
}

/// Why a copy did not happen. Nothing was committed to the target in any of these cases.
public enum PlatformCopyError: Error, Sendable, CustomStringConvertible {
    case sourceMissing(path: String)
    case sourceUnreadable(path: String, detail: String)
    case sourceNotPlatform(path: String)
    case sourceOutdated(path: String, pending: [String])
    case targetNotEmpty(url: PostgresURL, tables: [(name: String, rows: Int)])
    case targetBusy(url: PostgresURL)
    case dataWithoutTarget(tables: [(name: String, rows: Int)], columns: [(table: String, column: String, values: Int)])
    case value(table: String, column: String, row: String, problem: String)
    case countMismatch(table: String, sqlite: Int, postgres: Int)
    case postgres(PostgresEngineError)

    public var description: String {
        switch self {
        case .sourceMissing(let path):
            return "no SQLite database at \(path) (give the file `techflunky serve` uses: <data-dir>/platform.sqlite, or its --db)"
        case .sourceUnreadable(let path, let detail):
            return "cannot read the SQLite database \(path): \(detail)"
        case .sourceNotPlatform(let path):
            return "\(path) is an SQLite database but not a TechFlunky platform's (it has no grdb_migrations table recording v1_accounts)"
        case .sourceOutdated(let path, let pending):
            return "\(path) was last opened by an older techflunky: migrations \(pending.joined(separator: ", ")) are not applied. "
                + "Start `techflunky serve --db \(path)` with this version once (it migrates at start), stop it, then copy"
        case .targetNotEmpty(let url, let tables):
            let list = tables.map { "\($0.name) (\($0.rows) row\($0.rows == 1 ? "" : "s"))" }.joined(separator: ", ")
            return "\(url) already holds data: \(list). admin copy fills an empty database (createdb a new one), "
                + "or give --replace to empty these tables first; nothing was changed"
        case .targetBusy(let url):
            return "another session on \(url) has held its tables for 10 s (a serve instance already running on it?): stop "
                + "what uses the database and copy again; nothing was changed"
        case .dataWithoutTarget(let tables, let columns):
            var parts: [String] = []
            if !tables.isEmpty {
                parts.append("tables with no PostgreSQL table yet: " + tables.map { "\($0.name) (\($0.rows) rows)" }.joined(separator: ", "))
            }
            if !columns.isEmpty {
                parts.append("columns with no PostgreSQL column: " + columns.map { "\($0.table).\($0.column) (\($0.values) values)" }.joined(separator: ", "))
            }
            return "the SQLite database holds data this version's PostgreSQL schema has no place for — "
                + parts.joined(separator: "; ")
                + ". Copying would leave it behind; give --partial to copy the rest anyway. Nothing was changed"
        case .value(let table, let column, let row, let problem):
            return "\(table).\(column) of row \(row): \(problem); nothing was committed"
        case .countMismatch(let table, let sqlite, let postgres):
            return "\(table): \(sqlite) rows in SQLite but \(postgres) in PostgreSQL after the copy; nothing was committed"
        case .postgres(let error):
            return error.description
        }
    }
}

// MARK: - The source: one SQLite read transaction

/// The SQLite database as of one read transaction, read in batches in rowid order.
final class SQLiteSnapshot {
    let path: String
    private let queue: DatabaseQueue

    enum Cursor { case start, rowid(Int64), offset(Int) }
    struct Row { var key: String; var values: [DatabaseValue] }
    struct Tables {
        /// Data tables and their columns.
        var data: [String: [String]]
        /// SQLite's own: `sqlite_*`, `grdb_migrations`, virtual tables and their shadow tables.
        var `internal`: [String]
    }

    init(path: String) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else { throw PlatformCopyError.sourceMissing(path: path) }
        var configuration = Configuration()
        configuration.label = "techflunky.copy"
        configuration.busyMode = .timeout(30)
        // The transaction spans several accesses: that is the point (one snapshot for every table).
        configuration.allowsUnsafeTransactions = true
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.inDatabase { db in
                try db.execute(sql: "BEGIN DEFERRED")
                // The first read starts the snapshot.
                _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master")
            }
        } catch let error as DatabaseError {
            throw PlatformCopyError.sourceUnreadable(path: path, detail: error.message ?? "\(error)")
        }
        try checkSchema()
    }

    func close() {
        try? queue.inDatabase { db in try db.execute(sql: "ROLLBACK") }
        try? queue.close()
    }

    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.inDatabase(body)
        } catch let error as DatabaseError {
            throw PlatformCopyError.sourceUnreadable(path: path, detail: error.message ?? "\(error)")
        }
    }

    private func checkSchema() throws {
        let migrator = PlatformDatabase.migrator()
        let applied: Set<String>? = try read { db in
            guard try db.tableExists("grdb_migrations") else { return nil }
            return try migrator.appliedIdentifiers(db)
        }
        guard let applied, applied.contains("v1_accounts") else { throw PlatformCopyError.sourceNotPlatform(path: path) }
        let pending = migrator.migrations.filter { !applied.contains($0) }
        if !pending.isEmpty { throw PlatformCopyError.sourceOutdated(path: path, pending: pending) }
    }

    func tables() throws -> Tables {
        try read { db in
            let all = try Row_.fetchAll(db)
            let virtual = all.filter { $0.sql.uppercased().hasPrefix("CREATE VIRTUAL TABLE") }.map(\.name)
            var data: [String: [String]] = [:]
            var internalTables: [String] = []
            for table in all {
                let isShadow = virtual.contains { table.name.hasPrefix($0 + "_") }
                if table.name.hasPrefix("sqlite_") || table.name == "grdb_migrations" || virtual.contains(table.name) || isShadow {
                    internalTables.append(table.name)
                    continue
                }
                data[table.name] = try db.columns(in: table.name).map(\.name)
            }
            return Tables(data: data, internal: internalTables.sorted())
        }
    }

    private struct Row_ {
        var name: String
        var sql: String
        static func fetchAll(_ db: Database) throws -> [Row_] {
            try GRDB.Row.fetchAll(db, sql: "SELECT name, coalesce(sql, '') AS sql FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .map { Row_(name: $0["name"], sql: $0["sql"]) }
        }
    }

    func count(_ table: String) throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.quotedDatabaseIdentifier)") ?? 0 }
    }

    func nonNullCount(table: String, column: String) throws -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.quotedDatabaseIdentifier) WHERE \(column.quotedDatabaseIdentifier) IS NOT NULL") ?? 0
        }
    }

    /// SQLite's AUTOINCREMENT high-water mark for `table` (a deleted row's key is never given out again).
    func autoincrementHighWater(table: String) throws -> Int64? {
        try read { db in
            guard try db.tableExists("sqlite_sequence") else { return nil }
            return try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = ?", arguments: [table])
        }
    }

    /// Up to `limit` rows after `cursor`, in rowid order (offset order for a table without rowid). A column read as
    /// text comes as its bytes: SQLite's text API stops at a NUL character, which would cut such a value short
    /// without a word, where its bytes are whole (and the NUL is then refused by name).
    func batch(table: String, columns: [(name: String, text: Bool)], after cursor: Cursor, limit: Int) throws -> ([Row], Cursor) {
        try read { db in
            let list = columns.map { column in
                let name = column.name.quotedDatabaseIdentifier
                return column.text ? "CASE typeof(\(name)) WHEN 'text' THEN CAST(\(name) AS BLOB) ELSE \(name) END" : name
            }.joined(separator: ", ")
            let name = table.quotedDatabaseIdentifier
            var keyed = true
            if case .offset = cursor { keyed = false }
            if keyed {
                do {
                    let after: Int64 = if case .rowid(let last) = cursor { last } else { Int64.min }
                    let rows = try GRDB.Row.fetchAll(db, sql: "SELECT rowid, \(list) FROM \(name) WHERE rowid > ? ORDER BY rowid LIMIT ?",
                                                     arguments: [after, limit])
                    let mapped = rows.map { row -> Row in
                        Row(key: "rowid \(row[0] as Int64)", values: (1...columns.count).map { row[$0] as DatabaseValue })
                    }
                    let next: Cursor = rows.last.map { .rowid($0[0]) } ?? cursor
                    return (mapped, next)
                } catch let error as DatabaseError where (error.message ?? "").contains("rowid") {
                    keyed = false  // WITHOUT ROWID: fall through to offsets
                }
            }
            let offset: Int = if case .offset(let done) = cursor { done } else { 0 }
            let rows = try GRDB.Row.fetchAll(db, sql: "SELECT \(list) FROM \(name) LIMIT ? OFFSET ?", arguments: [limit, offset])
            let mapped = rows.enumerated().map { index, row in
                Row(key: "#\(offset + index + 1)", values: (0..<columns.count).map { row[$0] as DatabaseValue })
            }
            return (mapped, .offset(offset + rows.count))
        }
    }
}

// MARK: - The target: one PostgreSQL connection, one transaction

extension PlatformCopy {
    struct Target {
        let connection: PostgresConnection
        let url: PostgresURL
        let logger: Logger

        struct Column {
            var name: String
            var kind: ValueKind
            var identity: Bool
            var generated: Bool
        }

        @discardableResult
        func run(_ query: PostgresQuery) async throws -> [PostgresRow] {
            do {
                var rows: [PostgresRow] = []
                for try await row in try await connection.query(query, logger: logger) { rows.append(row) }
                return rows
            } catch {
                throw PlatformCopyError.postgres(.query(url: url, error))
            }
        }

        /// Every table of the current schema (but `schema_migrations`) and its columns in order.
        func schema() async throws -> [String: [Column]] {
            let rows = try await run("""
                SELECT table_name::text, column_name::text, data_type::text, udt_name::text, is_identity::text, is_generated::text
                FROM information_schema.columns
                WHERE table_schema = current_schema()
                  AND table_name IN (SELECT table_name FROM information_schema.tables
                                     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE')
                  AND table_name <> 'schema_migrations'
                ORDER BY table_name, ordinal_position
                """)
            var schema: [String: [Column]] = [:]
            for row in rows {
                let (table, column, dataType, udt, identity, generated) = try decoding { try row.decode((String, String, String, String, String, String).self) }
                schema[table, default: []].append(Column(name: column, kind: ValueKind(dataType: dataType, udtName: udt),
                                                         identity: identity == "YES", generated: generated == "ALWAYS"))
            }
            return schema
        }

        private func decoding<T>(_ body: () throws -> T) throws -> T {
            do { return try body() } catch { throw PlatformCopyError.postgres(.query(url: url, error)) }
        }

        /// `tables` with every table after the tables its foreign keys refer to (ties by name; a cycle, which this
        /// schema has none of, keeps the remaining tables by name).
        func foreignKeyOrder(of tables: [String]) async throws -> [String] {
            let rows = try await run("""
                SELECT child.relname::text, parent.relname::text
                FROM pg_constraint k
                JOIN pg_class child ON child.oid = k.conrelid
                JOIN pg_class parent ON parent.oid = k.confrelid
                JOIN pg_namespace n ON n.oid = child.relnamespace
                WHERE k.contype = 'f' AND n.nspname = current_schema()
                """)
            var parents: [String: Set<String>] = [:]
            for row in rows {
                let (child, parent) = try decoding { try row.decode((String, String).self) }
                if child != parent { parents[child, default: []].insert(parent) }
            }
            return Self.topologicalOrder(tables, parents: parents)
        }

        static func topologicalOrder(_ tables: [String], parents: [String: Set<String>]) -> [String] {
            var remaining = tables.sorted()
            var placed: Set<String> = []
            var order: [String] = []
            while !remaining.isEmpty {
                let ready = remaining.first { (parents[$0] ?? []).subtracting(placed).intersection(remaining).isEmpty } ?? remaining[0]
                order.append(ready)
                placed.insert(ready)
                remaining.removeAll { $0 == ready }
            }
            return order
        }

        func count(_ table: String) async throws -> Int {
            let rows = try await run(PostgresQuery(unsafeSQL: "SELECT count(*)::bigint FROM \(PlatformCopy.quoted(table))"))
            return Int(try decoding { try rows.first?.decode(Int64.self) } ?? 0)
        }

        func maximum(table: String, column: String) async throws -> Int64? {
            let rows = try await run(PostgresQuery(unsafeSQL: "SELECT max(\(PlatformCopy.quoted(column)))::bigint FROM \(PlatformCopy.quoted(table))"))
            return try decoding { try rows.first?.decode(Int64?.self) } ?? nil
        }
    }

    /// How a value goes into a PostgreSQL column, by the column's type.
    enum ValueKind: Equatable {
        case boolean, integer, float, text, bytes
        /// Any other type: the SQLite value's text, cast by PostgreSQL (`CAST($n AS jsonb)`).
        case cast(String)

        init(dataType: String, udtName: String) {
            switch dataType {
            case "boolean": self = .boolean
            case "bigint", "integer", "smallint": self = .integer
            case "double precision", "real": self = .float
            case "text", "character varying", "character": self = .text
            case "bytea": self = .bytes
            default: self = .cast(udtName)
            }
        }

        /// Whether the value is text on the PostgreSQL side (read from SQLite as bytes; see `SQLiteSnapshot.batch`).
        var readsText: Bool {
            switch self {
            case .text, .cast: true
            default: false
            }
        }

        func placeholder(_ index: Int) -> String {
            if case .cast(let type) = self { return "CAST($\(index) AS \(PlatformCopy.quoted(type)))" }
            return "$\(index)"
        }

        func bind(_ value: DatabaseValue, into bindings: inout PostgresBindings) throws {
            switch (self, value.storage) {
            case (_, .null):
                bindings.appendNull()
            case (.boolean, .int64(let number)):
                guard number == 0 || number == 1 else { throw ValueProblem(message: "\(number) is not a boolean (0 or 1)") }
                bindings.append(number == 1)
            case (.integer, .int64(let number)):
                bindings.append(number)
            case (.integer, .double(let number)):
                guard number.rounded() == number, let exact = Int64(exactly: number) else {
                    throw ValueProblem(message: "\(number) is not a whole number, and the column is an integer")
                }
                bindings.append(exact)
            case (.float, .int64(let number)):
                bindings.append(Double(number))
            case (.float, .double(let number)):
                bindings.append(number)
            case (.text, .string(let text)), (.cast, .string(let text)):
                guard !text.unicodeScalars.contains("\u{0}") else {
                    throw ValueProblem(message: "the text contains U+0000 (NUL), which PostgreSQL cannot store")
                }
                bindings.append(text)
            case (.text, .blob(let data)), (.cast, .blob(let data)):
                guard let text = String(data: data, encoding: .utf8) else { throw ValueProblem(message: "the text is not valid UTF-8") }
                guard !text.unicodeScalars.contains("\u{0}") else {
                    throw ValueProblem(message: "the text contains U+0000 (NUL), which PostgreSQL cannot store")
                }
                bindings.append(text)
            case (.cast, .int64(let number)):
                bindings.append(String(number))
            case (.cast, .double(let number)):
                bindings.append(String(number))
            case (.bytes, .blob(let data)):
                try bindings.append(data)
            case (.bytes, .string(let text)):
                try bindings.append(Data(text.utf8))
            case (_, let storage):
                throw ValueProblem(message: "a \(Self.sqliteType(storage)) value cannot go into a \(self) column")
            }
        }

        static func sqliteType(_ storage: DatabaseValue.Storage) -> String {
            switch storage {
            case .null: "NULL"
            case .int64: "INTEGER"
            case .double: "REAL"
            case .string: "TEXT"
            case .blob: "BLOB"
            }
        }
    }
}
