import Foundation
import GRDB
import TechFlunkyCore

/// `AccountStore` on the platform's SQLite database.
public struct SQLiteAccountStore: AccountStore {
    let database: PlatformDatabase

    public init(database: PlatformDatabase) { self.database = database }

    public func createAccount(email: String, displayName: String, passwordHash: String, now: Date) async throws -> Account {
        let account = Account(id: PlatformID.make("usr"), email: email, displayName: displayName, createdAt: StoredTime.decode(StoredTime.encode(now)))
        do {
            try await database.pool.write { db in
                try db.execute(sql: "INSERT INTO accounts (id, email, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                               arguments: [account.id, email, displayName, passwordHash, StoredTime.encode(now)])
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw PlatformError.conflict("an account with this email already exists; sign in instead", field: "email")
        }
        return account
    }

    public func credentials(email: String) async throws -> StoredCredentials? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM accounts WHERE email = ?", arguments: [email]).map {
                StoredCredentials(account: Self.account(from: $0), passwordHash: $0["password_hash"])
            }
        }
    }

    public func account(id: String) async throws -> Account? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM accounts WHERE id = ?", arguments: [id]).map(Self.account(from:))
        }
    }

    public func createSession(accountId: String, tokenHash: String, now: Date, expiresAt: Date) async throws {
        try await database.pool.write { db in
            try db.execute(sql: "INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                           arguments: [tokenHash, accountId, StoredTime.encode(now), StoredTime.encode(expiresAt)])
        }
    }

    public func account(forSessionToken token: String, now: Date) async throws -> Account? {
        let hash = SessionToken.hash(token)
        return try await database.pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT accounts.* FROM sessions JOIN accounts ON accounts.id = sessions.account_id
                WHERE sessions.token_hash = ? AND sessions.revoked_at IS NULL AND sessions.expires_at > ?
                """, arguments: [hash, StoredTime.encode(now)]).map(Self.account(from:))
        }
    }

    public func revokeSession(token: String, now: Date) async throws -> Bool {
        let hash = SessionToken.hash(token)
        return try await database.pool.write { db in
            try db.execute(sql: "UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
                           arguments: [StoredTime.encode(now), hash])
            return db.changesCount > 0
        }
    }

    public func sessions(accountId: String) async throws -> [ExportedSession] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT created_at, expires_at, revoked_at FROM sessions WHERE account_id = ? ORDER BY created_at",
                             arguments: [accountId]).map {
                ExportedSession(createdAt: StoredTime.decode($0["created_at"] as Int64), expiresAt: StoredTime.decode($0["expires_at"] as Int64),
                                revokedAt: StoredTime.decode($0["revoked_at"] as Int64?))
            }
        }
    }

    public func sellerState(accountId: String) async throws -> SellerConnectState {
        try await database.pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM accounts WHERE id = ?", arguments: [accountId]) else {
                throw PlatformError.notFound("no such account")
            }
            return Self.sellerState(from: row)
        }
    }

    public func setStripeAccount(accountId: String, stripeAccountId: String) async throws {
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE accounts SET stripe_account_id = ? WHERE id = ?", arguments: [stripeAccountId, accountId])
        }
    }

    public func updateConnectFlags(stripeAccountId: String, detailsSubmitted: Bool, chargesEnabled: Bool, payoutsEnabled: Bool) async throws {
        try await database.pool.write { db in
            try db.execute(sql: """
                UPDATE accounts SET details_submitted = ?, charges_enabled = ?, payouts_enabled = ? WHERE stripe_account_id = ?
                """, arguments: [detailsSubmitted, chargesEnabled, payoutsEnabled, stripeAccountId])
        }
    }

    static func account(from row: Row) -> Account {
        Account(id: row["id"], email: row["email"], displayName: row["display_name"], createdAt: StoredTime.decode(row["created_at"] as Int64))
    }

    static func sellerState(from row: Row) -> SellerConnectState {
        SellerConnectState(stripeAccountId: row["stripe_account_id"], detailsSubmitted: row["details_submitted"],
                           chargesEnabled: row["charges_enabled"], payoutsEnabled: row["payouts_enabled"])
    }
}
