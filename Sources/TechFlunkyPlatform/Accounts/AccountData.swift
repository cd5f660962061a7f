import Foundation
import GRDB
import PostgresNIO
import TechFlunkyCore

/// A person's data: everything about an account as one document (`export`), and erasure (`erase`).
///
/// Erasure removes or pseudonymises what identifies the person and keeps what the platform must keep as
/// financial records, without it:
/// - the account row stays (orders point at it) with the email replaced by `erased+<id>@erased.invalid`,
///   the display name by "Erased account" and the password hash by a value no password matches; the Stripe
///   Connect account id stays so payouts still owed to a seller can be paid;
/// - sessions and idempotency records are deleted (every token stops working at once);
/// - active and sold listings are withdrawn (kept, as orders name them) and deployments with their event logs deleted
///   (the resources stay in the buyer's own Cloudflare account);
/// - orders are kept: amounts, fees, dates, states and Stripe ids, with only opaque account ids;
/// - the watchlist, saved searches and notifications are deleted; open offers the person made are withdrawn and
///   those made to them declined (nobody can then accept a deal with an erased account), and the messages they
///   wrote on offers are removed; offers stay as the other side's record. Questions stay under the listing they
///   were asked about (their asker is the erased account, shown by its new name).
///
/// SQLite keeps deleted and overwritten bytes in free space and in the write-ahead log until they are reused.
/// So the erasure runs with `secure_delete` on (freed space is zeroed) and checkpoints the log afterwards,
/// truncating it: the email is then nowhere in the database's files.
enum AccountData {
    static func export(_ account: Account, services: PlatformServices) async throws -> AccountExport {
        let now = services.clock.now()
        let seller = try await services.accounts.sellerState(accountId: account.id)
        let sellerStatus = seller.stripeAccountId.map {
            SellerAccountStatus(stripeAccountId: $0, detailsSubmitted: seller.detailsSubmitted,
                                chargesEnabled: seller.chargesEnabled, payoutsEnabled: seller.payoutsEnabled)
        }
        let bought = try await services.orders.orders(buyerId: account.id)
        let sold = try await services.orders.sales(sellerId: account.id)
        let sessions = try await services.accounts.sessions(accountId: account.id)
        let listings = try await services.catalog.listings(sellerId: account.id)
        // A buyer's deployments are their orders' (each deployment belongs to an order and its buyer), read in one call
        // through the store on either engine; oldest first.
        let store = services.deployments.store
        let stored = try await store.deployments(orderIds: bought.map(\.order.id)).values.joined()
            .filter { $0.buyerId == account.id }
            .sorted { ($0.deployment.createdAt, $0.deployment.id) < ($1.deployment.createdAt, $1.deployment.id) }
        var deployments: [ExportedDeployment] = []
        for deployment in stored {
            deployments.append(ExportedDeployment(deployment: deployment.deployment,
                                                  events: try await store.events(deploymentId: deployment.deployment.id, after: 0)))
        }
        let offers = try await services.deals.offers(accountId: account.id).compactMap { offer in
            offer.role(of: account.id).map { offer.wire(for: $0, now: now) }
        }
        let questions = try await services.deals.questions(accountId: account.id).map { $0.wire(for: account.id) }
        let watchlist = try await services.market.watchlist(accountId: account.id, now: now)
        let savedSearches = try await services.market.savedSearches(accountId: account.id)
        var notifications: [MarketNotification] = []
        var after = 0
        while true {  // oldest first, a page at a time (the store's own paging), then newest first as the API lists them
            let page = try await services.market.notifications(accountId: account.id, after: after, limit: 500)
            notifications += page
            guard let last = page.last, page.count == 500 else { break }
            after = last.id
        }
        return AccountExport(exportedAt: now, account: account, seller: sellerStatus, sessions: sessions, orders: bought.map(\.order),
                             sales: sold.map(\.order), payouts: sold.compactMap { $0.payout(now: now, sellerCanReceive: seller.onboardingComplete) },
                             listings: listings, deployments: deployments, offers: offers, questions: questions, watchlist: watchlist,
                             savedSearches: savedSearches, notifications: notifications.reversed())
    }

    static let erasedDisplayName = "Erased account"

    static func erasedEmail(accountId: String) -> String { "erased+\(accountId)@erased.invalid" }

    static func erase(_ account: Account, confirm: String, services: PlatformServices) async throws -> AccountErasureReceipt {
        guard confirm.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() == account.email.lowercased() else {
            throw PlatformError.validation("type this account's email in `confirm` to erase it; this cannot be undone", field: "confirm")
        }
        let now = services.clock.now()
        switch services.engine {
        case .sqlite:
            let database = try services.sqliteDatabase(for: "erasing an account")
            // The deployments first, in the deployment store's own transaction: while one runs, nothing is erased.
            switch try await services.deployments.store.eraseDeployments(buyerId: account.id, unlessAnyIn: DeploymentState.underWay) {
            case .busy(let busy):
                throw PlatformError.conflict("deployment \(busy) is still running; wait for it to finish (or roll it back) before erasing the account")
            case .removed(let count):
                return try await eraseOnSQLite(account, now: now, deploymentsRemoved: count, database: database)
            }
        case .postgres: return try await eraseOnPostgres(account, now: now, database: try services.postgresDatabase(for: "erasing an account"))
        }
    }

    static func receipt(_ account: Account, now: Date, sessions: Int, listings: Int, deployments: Int, orders: Int) -> AccountErasureReceipt {
        AccountErasureReceipt(
            accountId: account.id, erasedAt: now, sessionsRevoked: sessions, listingsWithdrawn: listings, deploymentsRemoved: deployments,
            ordersKept: orders,
            note: "Personal data erased; \(orders) order\(orders == 1 ? "" : "s") kept as financial records without it. "
                + "Copies at Stripe (customer and Connect account) and in backups taken before now are not changed by this.")
    }

    /// The same steps as on SQLite, in one PostgreSQL transaction; the account's row is locked first, so two erasures on
    /// two instances take turns. PostgreSQL overwrites nothing in place: dead row versions stay in the table's pages until VACUUM reclaims them (autovacuum, or
    /// `VACUUM accounts, sessions, offers, …` after an erasure: docs/operations.md). Needs the orders' and deployments' tables
    /// (`pg_v4_orders`, `pg_v6_deployments`, issue 16).
    static func eraseOnPostgres(_ account: Account, now: Date, database: PostgresDatabase) async throws -> AccountErasureReceipt {
        let id = account.id, time = StoredTime.encode(now)
        return try await database.transaction { tx in
            func count(_ query: PostgresQuery) async throws -> Int { try await tx.rows(query).count }
            _ = try await count("SELECT 1 FROM accounts WHERE id = \(id) FOR UPDATE")
            if let busy = try await tx.rows("""
                SELECT id FROM deployments WHERE buyer_id = \(id) AND state IN ('queued', 'running', 'provisioned', 'rolling_back') LIMIT 1
                """).first.map({ try $0.decode(String.self) }) {
                throw PlatformError.conflict("deployment \(busy) is still running; wait for it to finish (or roll it back) before erasing the account")
            }
            let sessions = try await count("DELETE FROM sessions WHERE account_id = \(id) RETURNING 1")
            _ = try await count("DELETE FROM idempotency_keys WHERE account_id = \(id) RETURNING 1")
            let listings = try await count("""
                UPDATE listings SET status = 'withdrawn', updated_at = \(time) WHERE seller_id = \(id) AND status IN ('active', 'sold') RETURNING 1
                """)
            let deployments = try await count("DELETE FROM deployments WHERE buyer_id = \(id) RETURNING 1")
            _ = try await count("DELETE FROM watchlist WHERE account_id = \(id) RETURNING 1")
            _ = try await count("DELETE FROM saved_searches WHERE account_id = \(id) RETURNING 1")
            _ = try await count("DELETE FROM notifications WHERE account_id = \(id) RETURNING 1")
            _ = try await count("""
                UPDATE offers SET state = CASE WHEN (from_party = 'buyer' AND buyer_id = \(id)) OR (from_party = 'seller' AND seller_id = \(id))
                                               THEN 'withdrawn' ELSE 'declined' END,
                                  responded_at = \(time)
                WHERE state = 'open' AND (buyer_id = \(id) OR seller_id = \(id)) RETURNING 1
                """)
            _ = try await count("""
                UPDATE offers SET message = NULL
                WHERE message IS NOT NULL AND ((from_party = 'buyer' AND buyer_id = \(id)) OR (from_party = 'seller' AND seller_id = \(id))) RETURNING 1
                """)
            _ = try await count("""
                UPDATE accounts SET email = \(erasedEmail(accountId: id)), display_name = \(erasedDisplayName), password_hash = 'erased'
                WHERE id = \(id) RETURNING 1
                """)
            let orders = try await count("SELECT 1 FROM orders WHERE buyer_id = \(id) OR seller_id = \(id)")
            return receipt(account, now: now, sessions: sessions, listings: listings, deployments: deployments, orders: orders)
        }
    }

    static func eraseOnSQLite(_ account: Account, now: Date, deploymentsRemoved deployments: Int, database: PlatformDatabase) async throws -> AccountErasureReceipt {
        let receipt = try await database.pool.writeWithoutTransaction { db -> AccountErasureReceipt in
            try db.execute(sql: "PRAGMA secure_delete = ON")
            defer { try? db.execute(sql: "PRAGMA secure_delete = OFF") }
            var receipt: AccountErasureReceipt?
            try db.inTransaction(.immediate) {
                try db.execute(sql: "DELETE FROM sessions WHERE account_id = ?", arguments: [account.id])
                let sessions = db.changesCount
                try db.execute(sql: "DELETE FROM idempotency_keys WHERE account_id = ?", arguments: [account.id])
                try db.execute(sql: "UPDATE listings SET status = 'withdrawn', updated_at = ? WHERE seller_id = ? AND status IN ('active', 'sold')",
                               arguments: [StoredTime.encode(now), account.id])
                let listings = db.changesCount
                try db.execute(sql: "UPDATE accounts SET email = ?, display_name = ?, password_hash = ? WHERE id = ?",
                               arguments: [erasedEmail(accountId: account.id), erasedDisplayName, "erased", account.id])
                for table in ["watchlist", "saved_searches", "notifications"] {
                    try db.execute(sql: "DELETE FROM \(table) WHERE account_id = ?", arguments: [account.id])
                }
                let id = account.id
                try db.execute(sql: """
                    UPDATE offers SET state = CASE WHEN (from_party = 'buyer' AND buyer_id = ?) OR (from_party = 'seller' AND seller_id = ?)
                                                   THEN 'withdrawn' ELSE 'declined' END,
                                      responded_at = ?
                    WHERE state = 'open' AND (buyer_id = ? OR seller_id = ?)
                    """, arguments: [id, id, StoredTime.encode(now), id, id])
                try db.execute(sql: """
                    UPDATE offers SET message = NULL
                    WHERE message IS NOT NULL AND ((from_party = 'buyer' AND buyer_id = ?) OR (from_party = 'seller' AND seller_id = ?))
                    """, arguments: [id, id])
                let orders = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM orders WHERE buyer_id = ? OR seller_id = ?",
                                              arguments: [account.id, account.id]) ?? 0
                receipt = Self.receipt(account, now: now, sessions: sessions, listings: listings, deployments: deployments, orders: orders)
                return .commit
            }
            // The old pages are still in the write-ahead log until it is checkpointed and truncated.
            _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            guard let receipt else { throw PlatformError.internal() }
            return receipt
        }
        return receipt
    }
}
