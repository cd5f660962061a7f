import Logging
import PostgresNIO

/// One transaction on one connection leased from the pool: what the stores use where a rule is "checked and
/// written together" (row locks taken with `SELECT … FOR UPDATE` hold until the commit). The body's own errors
/// come out as they were thrown (postgres-nio's `withTransaction` would wrap them), after a rollback.
struct PostgresTransaction {
    let connection: PostgresConnection
    let database: PostgresDatabase

    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        do {
            var rows: [PostgresRow] = []
            for try await row in try await connection.query(query, logger: database.logger) { rows.append(row) }
            return rows
        } catch {
            throw PostgresEngineError.query(url: database.url, error)
        }
    }

    func execute(_ query: PostgresQuery) async throws {
        _ = try await rows(query)
    }
}

extension PostgresDatabase {
    /// Runs `body` in a transaction (READ COMMITTED, PostgreSQL's default): committed when it returns, rolled back
    /// when it throws.
    /// The body's errors come out as thrown; the pool's own (no connection to lease) name the server.
    func transaction<T: Sendable>(_ body: (PostgresTransaction) async throws -> T) async throws -> T {
        do {
            return try await inTransaction(body)
        } catch let error as PSQLError {
            throw PostgresEngineError.query(url: url, error)
        }
    }

    private func inTransaction<T: Sendable>(_ body: (PostgresTransaction) async throws -> T) async throws -> T {
        try await client.withConnection { (connection: PostgresConnection) async throws -> T in
            let transaction = PostgresTransaction(connection: connection, database: self)
            try await transaction.execute("BEGIN")
            let value: T
            do {
                value = try await body(transaction)
            } catch {
                try? await transaction.execute("ROLLBACK")
                throw error
            }
            try await transaction.execute("COMMIT")
            return value
        }
    }
}

extension PostgresRandomAccessRow {
    /// The column `name` as `T` (columns read by name, as the SQLite stores read GRDB rows).
    func value<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        try self[name].decode(T.self)
    }
}
