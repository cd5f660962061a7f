import Foundation
import GRDB
import Synchronization

/// Each D1 database of the stand-in is a real SQLite file (`d1/<uuid>.sqlite` under the data directory);
/// `/query` runs the SQL there and answers in D1's result shape.
final class D1DatabaseFiles: Sendable {
    let directory: URL
    private let open = Mutex<[String: DatabaseQueue]>([:])

    init(directory: URL) throws {
        self.directory = directory
        try PrivateFiles.directory(directory)
    }

    func url(for uuid: String) -> URL { directory.appendingPathComponent("\(uuid).sqlite") }

    private func queue(_ uuid: String) throws -> DatabaseQueue {
        if let q = open.withLock({ $0[uuid] }) { return q }
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(5)
        // WAL with synchronous=NORMAL: crash-safe, and a write costs no fsync of the whole file (a rollback
        // journal made every stand-in write take ~15 ms here).
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        try PrivateFiles.databaseFile(url(for: uuid).path)
        let q = try DatabaseQueue(path: url(for: uuid).path, configuration: config)
        return open.withLock { cache in
            if let existing = cache[uuid] { return existing }
            cache[uuid] = q
            return q
        }
    }

    func create(_ uuid: String) throws { _ = try queue(uuid) }

    func delete(_ uuid: String) {
        open.withLock { _ = $0.removeValue(forKey: uuid) }
        for suffix in ["", "-wal", "-shm", "-journal"] {
            try? FileManager.default.removeItem(atPath: url(for: uuid).path + suffix)
        }
    }

    func fileSize(_ uuid: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: url(for: uuid).path))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    func tableCount(_ uuid: String) throws -> Int64 {
        try queue(uuid).read { db in
            try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'") ?? 0
        }
    }

    /// Runs every statement of `sql` in one transaction (a failure rolls the whole batch back, as D1 does),
    /// binding `params` in order across the statements, and answers one D1 result per statement.
    func query(_ uuid: String, sql: String, params: [JSONValue]) throws -> [JSONValue] {
        let values: [DatabaseValue] = try params.map { p in
            switch p {
            case .null: return .null
            case let .bool(b): return (b ? 1 : 0).databaseValue
            case let .int(i): return i.databaseValue
            case let .double(d): return d.databaseValue
            case let .string(s): return s.databaseValue
            case .array, .object: throw CloudflareAPIError.badRequest(7400, "D1 query parameters must be strings, numbers, booleans or null.")
            }
        }
        let q = try queue(uuid)
        do {
            return try q.writeWithoutTransaction { db in
                var out: [JSONValue] = []
                try db.inTransaction {
                let statements = try db.allStatements(sql: sql, arguments: StatementArguments(values))
                while let statement = try statements.next() {
                    let started = Date()
                    let before = db.totalChangesCount
                    var rows: [JSONValue] = []
                    if statement.columnCount > 0 {
                        let cursor = try Row.fetchCursor(statement)
                        while let row = try cursor.next() {
                            var object: [String: JSONValue] = [:]
                            for (column, value) in row { object[column] = Self.json(value) }
                            rows.append(.object(object))
                        }
                    } else {
                        try statement.execute()
                    }
                    let changes = Int64(db.totalChangesCount - before)
                    let elapsed = Date().timeIntervalSince(started) * 1000
                    out.append([
                        "results": .array(rows), "success": true,
                        "meta": ["changed_db": .bool(changes > 0 || !statement.isReadonly), "changes": .int(changes),
                                 "duration": .double(elapsed), "last_row_id": .int(db.lastInsertedRowID),
                                 "rows_read": .int(Int64(rows.count)), "rows_written": .int(changes),
                                 "size_after": .int(self.fileSize(uuid)), "served_by_primary": true],
                    ])
                }
                return .commit
                }
                return out
            }
        } catch let error as DatabaseError {
            throw CloudflareAPIError.badRequest(7500, "\(error.message ?? "SQL error"): \(Self.codeName(error.resultCode.primaryResultCode.rawValue))")
        }
    }

    private static func codeName(_ code: Int32) -> String {
        switch code {
        case 1: "SQLITE_ERROR"
        case 8: "SQLITE_READONLY"
        case 18: "SQLITE_TOOBIG"
        case 19: "SQLITE_CONSTRAINT"
        case 20: "SQLITE_MISMATCH"
        case 25: "SQLITE_RANGE"
        default: "SQLITE_\(code)"
        }
    }

    private static func json(_ value: DatabaseValue) -> JSONValue {
        switch value.storage {
        case .null: .null
        case let .int64(i): .int(i)
        case let .double(d): .double(d)
        case let .string(s): .string(s)
        // D1 answers BLOBs as arrays of byte values.
        case let .blob(data): .array(data.map { .int(Int64($0)) })
        }
    }
}
