import Foundation
import GRDB

/// The stand-ins' state in one SQLite file (`sandbox.sqlite` under the data directory), so a restart
/// keeps every session, account, database and bucket. API objects are stored as their JSON wire form.
/// Secrets (Cloudflare API tokens, Worker secret values) are stored only as SHA-256 digests.
public final class SandboxDatabase: Sendable {
    public let writer: DatabaseQueue
    public let directory: URL

    public init(directory: URL) throws {
        try PrivateFiles.directory(directory)
        try PrivateFiles.databaseFile(directory.appendingPathComponent("sandbox.sqlite").path)
        self.directory = directory
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(5)
        // WAL with synchronous=NORMAL: crash-safe, and a write costs no fsync of the whole file (a rollback
        // journal made every stand-in write take ~15 ms here).
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        writer = try DatabaseQueue(path: directory.appendingPathComponent("sandbox.sqlite").path, configuration: config)
        try SandboxDatabase.migrator.migrate(writer)
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE stripe_object (
                    id TEXT PRIMARY KEY NOT NULL,
                    type TEXT NOT NULL,
                    json BLOB NOT NULL,
                    created INTEGER NOT NULL
                );
                CREATE INDEX stripe_object_type ON stripe_object(type, created);
                CREATE TABLE stripe_idempotency (
                    api_key_digest TEXT NOT NULL,
                    key TEXT NOT NULL,
                    request_digest TEXT NOT NULL,
                    status INTEGER NOT NULL,
                    body BLOB NOT NULL,
                    created INTEGER NOT NULL,
                    PRIMARY KEY (api_key_digest, key)
                );
                CREATE TABLE stripe_event (
                    id TEXT PRIMARY KEY NOT NULL,
                    type TEXT NOT NULL,
                    json BLOB NOT NULL,
                    created INTEGER NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at REAL NOT NULL,
                    delivered_at REAL,
                    failed INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT
                );
                CREATE INDEX stripe_event_pending ON stripe_event(delivered_at, failed, next_attempt_at);
                CREATE TABLE stripe_account_link (
                    token TEXT PRIMARY KEY NOT NULL,
                    account TEXT NOT NULL,
                    type TEXT NOT NULL,
                    refresh_url TEXT NOT NULL,
                    return_url TEXT NOT NULL,
                    expires_at INTEGER NOT NULL,
                    used INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE cf_token (
                    id TEXT PRIMARY KEY NOT NULL,
                    digest TEXT NOT NULL UNIQUE,
                    account_id TEXT NOT NULL,
                    permissions TEXT NOT NULL,
                    status TEXT NOT NULL,
                    created TEXT NOT NULL
                );
                CREATE TABLE cf_object (
                    kind TEXT NOT NULL,
                    id TEXT NOT NULL,
                    account_id TEXT NOT NULL,
                    parent TEXT NOT NULL DEFAULT '',
                    name TEXT NOT NULL,
                    json BLOB NOT NULL,
                    seq INTEGER NOT NULL,
                    PRIMARY KEY (kind, id)
                );
                CREATE INDEX cf_object_name ON cf_object(kind, account_id, parent, name);
                CREATE TABLE sandbox_meta (
                    key TEXT PRIMARY KEY NOT NULL,
                    value TEXT NOT NULL
                );
                """)
        }
        // Whether a token is owned by a user (checked at /user/tokens/verify) or by an account
        // (checked at /accounts/{id}/tokens/verify only).
        m.registerMigration("v2-token-owner") { db in
            try db.execute(sql: "ALTER TABLE cf_token ADD COLUMN owner TEXT NOT NULL DEFAULT 'user'")
        }
        return m
    }

    // MARK: - Stripe objects

    static func putStripe(_ db: Database, _ object: JSONValue) throws {
        guard let id = object["id"]?.stringValue, let type = object["object"]?.stringValue else { return }
        try db.execute(sql: "INSERT OR REPLACE INTO stripe_object (id, type, json, created) VALUES (?, ?, ?, ?)",
                       arguments: [id, type, object.encoded(), object["created"]?.intValue ?? 0])
    }

    static func getStripe(_ db: Database, _ id: String, type: String? = nil) throws -> JSONValue? {
        let row: Row?
        if let type {
            row = try Row.fetchOne(db, sql: "SELECT json FROM stripe_object WHERE id = ? AND type = ?", arguments: [id, type])
        } else {
            row = try Row.fetchOne(db, sql: "SELECT json FROM stripe_object WHERE id = ?", arguments: [id])
        }
        guard let data: Data = row?["json"] else { return nil }
        return try JSONValue.decode(data)
    }

    static func listStripe(_ db: Database, type: String) throws -> [JSONValue] {
        try Data.fetchAll(db, sql: "SELECT json FROM stripe_object WHERE type = ? ORDER BY created, rowid", arguments: [type])
            .map(JSONValue.decode)
    }

    static func listStripeEventPayloads(_ db: Database, type: String) throws -> [Data] {
        try Data.fetchAll(db, sql: "SELECT json FROM stripe_event WHERE type = ? ORDER BY created, rowid", arguments: [type])
    }

    // MARK: - Cloudflare objects

    static func putCloudflare(_ db: Database, kind: String, id: String, accountId: String, parent: String = "", name: String,
                              _ object: JSONValue) throws {
        let seq = try Int.fetchOne(db, sql: "SELECT seq FROM cf_object WHERE kind = ? AND id = ?", arguments: [kind, id])
            ?? (try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) + 1 FROM cf_object") ?? 1)
        try db.execute(sql: """
            INSERT OR REPLACE INTO cf_object (kind, id, account_id, parent, name, json, seq) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [kind, id, accountId, parent, name, object.encoded(), seq])
    }

    static func getCloudflare(_ db: Database, kind: String, id: String) throws -> (accountId: String, parent: String, object: JSONValue)? {
        guard let row = try Row.fetchOne(db, sql: "SELECT account_id, parent, json FROM cf_object WHERE kind = ? AND id = ?",
                                         arguments: [kind, id]) else { return nil }
        return (row["account_id"], row["parent"], try JSONValue.decode(row["json"]))
    }

    static func findCloudflare(_ db: Database, kind: String, accountId: String, parent: String = "", name: String) throws -> JSONValue? {
        guard let data = try Data.fetchOne(db, sql: """
            SELECT json FROM cf_object WHERE kind = ? AND account_id = ? AND parent = ? AND name = ?
            """, arguments: [kind, accountId, parent, name]) else { return nil }
        return try JSONValue.decode(data)
    }

    static func listCloudflare(_ db: Database, kind: String, accountId: String? = nil, parent: String? = nil) throws -> [JSONValue] {
        var sql = "SELECT json FROM cf_object WHERE kind = ?"
        var args: [any DatabaseValueConvertible] = [kind]
        if let accountId { sql += " AND account_id = ?"; args.append(accountId) }
        if let parent { sql += " AND parent = ?"; args.append(parent) }
        sql += " ORDER BY seq"
        return try Data.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map(JSONValue.decode)
    }

    static func deleteCloudflare(_ db: Database, kind: String, id: String) throws {
        try db.execute(sql: "DELETE FROM cf_object WHERE kind = ? AND id = ?", arguments: [kind, id])
    }

    static func meta(_ db: Database, _ key: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM sandbox_meta WHERE key = ?", arguments: [key])
    }

    static func setMeta(_ db: Database, _ key: String, _ value: String) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO sandbox_meta (key, value) VALUES (?, ?)", arguments: [key, value])
    }
}
