import Foundation
import PostgresNIO
import TechFlunkyCore

/// `AccountStore` on PostgreSQL (`PostgresSchema`'s `pg_v1_accounts`): the same contract as `SQLiteAccountStore`,
/// row for row — emails unique whatever their case, sessions stored by token hash only.
public struct PostgresAccountStore: AccountStore {
    let database: PostgresDatabase

    public init(database: PostgresDatabase) { self.database = database }

    public func createAccount(email: String, displayName: String, passwordHash: String, now: Date) async throws -> Account {
        try PostgresDatabase.refuseNul([("email", email), ("displayName", displayName)])
        let created = StoredTime.encode(now)
        let account = Account(id: PlatformID.make("usr"), email: email, displayName: displayName, createdAt: StoredTime.decode(created))
        do {
            try await database.execute("""
                INSERT INTO accounts (id, email, display_name, password_hash, created_at)
                VALUES (\(account.id), \(email), \(displayName), \(passwordHash), \(created))
                """)
        } catch where PostgresDatabase.isUniqueViolation(error) {
            throw PlatformError.conflict("an account with this email already exists; sign in instead", field: "email")
        }
        return account
    }

    public func credentials(email: String) async throws -> StoredCredentials? {
        // The expression of the `accounts_email` index (pg_v8): A-Z folded only, as SQLite's NOCASE email column.
        let rows = try await database.rows("""
            SELECT \(unescaped: Self.accountColumns), password_hash FROM accounts
            WHERE \(unescaped: PostgresSchema.asciiFolded("email")) = translate(\(email), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
            """)
        return try rows.first.map { row in
            let (id, email, name, created, hash) = try row.decode((String, String, String, Int64, String).self)
            return StoredCredentials(account: Account(id: id, email: email, displayName: name, createdAt: StoredTime.decode(created)),
                                     passwordHash: hash)
        }
    }

    public func account(id: String) async throws -> Account? {
        try await database.rows("SELECT \(unescaped: Self.accountColumns) FROM accounts WHERE id = \(id)").first.map(Self.account(from:))
    }

    public func createSession(accountId: String, tokenHash: String, now: Date, expiresAt: Date) async throws {
        try await database.execute("""
            INSERT INTO sessions (token_hash, account_id, created_at, expires_at)
            VALUES (\(tokenHash), \(accountId), \(StoredTime.encode(now)), \(StoredTime.encode(expiresAt)))
            """)
    }

    public func account(forSessionToken token: String, now: Date) async throws -> Account? {
        let hash = SessionToken.hash(token)
        return try await database.rows("""
            SELECT a.id, a.email, a.display_name, a.created_at FROM sessions s JOIN accounts a ON a.id = s.account_id
            WHERE s.token_hash = \(hash) AND s.revoked_at IS NULL AND s.expires_at > \(StoredTime.encode(now))
            """).first.map(Self.account(from:))
    }

    public func revokeSession(token: String, now: Date) async throws -> Bool {
        let hash = SessionToken.hash(token)
        return try await !database.rows("""
            UPDATE sessions SET revoked_at = \(StoredTime.encode(now)) WHERE token_hash = \(hash) AND revoked_at IS NULL RETURNING 1
            """).isEmpty
    }

    public func sessions(accountId: String) async throws -> [ExportedSession] {
        try await database.rows("SELECT created_at, expires_at, revoked_at FROM sessions WHERE account_id = \(accountId) ORDER BY created_at")
            .map { row in
                let (created, expires, revoked) = try row.decode((Int64, Int64, Int64?).self)
                return ExportedSession(createdAt: StoredTime.decode(created), expiresAt: StoredTime.decode(expires), revokedAt: StoredTime.decode(revoked))
            }
    }

    public func sellerState(accountId: String) async throws -> SellerConnectState {
        guard let row = try await database.rows("""
            SELECT stripe_account_id, details_submitted, charges_enabled, payouts_enabled FROM accounts WHERE id = \(accountId)
            """).first else {
            throw PlatformError.notFound("no such account")
        }
        let (stripeAccountId, details, charges, payouts) = try row.decode((String?, Bool, Bool, Bool).self)
        return SellerConnectState(stripeAccountId: stripeAccountId, detailsSubmitted: details, chargesEnabled: charges, payoutsEnabled: payouts)
    }

    public func setStripeAccount(accountId: String, stripeAccountId: String) async throws {
        try await database.execute("UPDATE accounts SET stripe_account_id = \(stripeAccountId) WHERE id = \(accountId)")
    }

    public func updateConnectFlags(stripeAccountId: String, detailsSubmitted: Bool, chargesEnabled: Bool, payoutsEnabled: Bool) async throws {
        try await database.execute("""
            UPDATE accounts SET details_submitted = \(detailsSubmitted), charges_enabled = \(chargesEnabled), payouts_enabled = \(payoutsEnabled)
            WHERE stripe_account_id = \(stripeAccountId)
            """)
    }

    static let accountColumns = "id, email, display_name, created_at"

    static func account(from row: PostgresRow) throws -> Account {
        let (id, email, name, created) = try row.decode((String, String, String, Int64).self)
        return Account(id: id, email: email, displayName: name, createdAt: StoredTime.decode(created))
    }
}
