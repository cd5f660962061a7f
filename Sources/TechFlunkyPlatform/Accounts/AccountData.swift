import Foundation
import GRDB
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
/// - orders are kept: amounts, fees, dates, states and Stripe ids, with only opaque account ids.
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
        let (sessions, listings) = try await services.database.pool.read { db in
            let sessions = try Row.fetchAll(db, sql: "SELECT * FROM sessions WHERE account_id = ? ORDER BY created_at", arguments: [account.id]).map {
                ExportedSession(createdAt: StoredTime.decode($0["created_at"] as Int64), expiresAt: StoredTime.decode($0["expires_at"] as Int64),
                                revokedAt: StoredTime.decode($0["revoked_at"] as Int64?))
            }
            let listings = try Row.fetchAll(db, sql: "SELECT * FROM listings WHERE seller_id = ? ORDER BY created_at", arguments: [account.id]).map {
                ExportedListing(id: $0["id"], slug: $0["slug"], title: $0["title"], tagline: $0["tagline"], description: $0["description"],
                                category: $0["category"], askingPrice: Money(minorUnits: $0["price"], currency: Currency(code: $0["currency"])),
                                status: ListingStatus(rawValue: $0["status"]) ?? .withdrawn,
                                createdAt: StoredTime.decode($0["created_at"] as Int64), updatedAt: StoredTime.decode($0["updated_at"] as Int64))
            }
            return (sessions, listings)
        }
        let store = services.deployments.store
        var deployments: [ExportedDeployment] = []
        for id in try await store.deploymentIds(buyerId: account.id) {
            guard let stored = try await store.load(id: id) else { continue }
            deployments.append(ExportedDeployment(deployment: stored.deployment, events: try await store.events(deploymentId: id, after: 0)))
        }
        return AccountExport(exportedAt: now, account: account, seller: sellerStatus, sessions: sessions, orders: bought.map(\.order),
                             sales: sold.map(\.order), payouts: sold.compactMap { $0.payout(now: now, sellerCanReceive: seller.onboardingComplete) },
                             listings: listings, deployments: deployments)
    }

    static let erasedDisplayName = "Erased account"

    static func erasedEmail(accountId: String) -> String { "erased+\(accountId)@erased.invalid" }

    static func erase(_ account: Account, confirm: String, services: PlatformServices) async throws -> AccountErasureReceipt {
        guard confirm.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() == account.email.lowercased() else {
            throw PlatformError.validation("type this account's email in `confirm` to erase it; this cannot be undone", field: "confirm")
        }
        let now = services.clock.now()
        // The deployments first, in the deployment store's own transaction: while one runs, nothing is erased.
        let deploymentsRemoved: Int
        switch try await services.deployments.store.eraseDeployments(buyerId: account.id, unlessAnyIn: DeploymentState.underWay) {
        case .busy(let busy):
            throw PlatformError.conflict("deployment \(busy) is still running; wait for it to finish (or roll it back) before erasing the account")
        case .removed(let count):
            deploymentsRemoved = count
        }
        let receipt = try await services.database.pool.writeWithoutTransaction { db -> AccountErasureReceipt in
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
                let orders = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM orders WHERE buyer_id = ? OR seller_id = ?",
                                              arguments: [account.id, account.id]) ?? 0
                receipt = AccountErasureReceipt(
                    accountId: account.id, erasedAt: now, sessionsRevoked: sessions, listingsWithdrawn: listings, deploymentsRemoved: deploymentsRemoved,
                    ordersKept: orders,
                    note: "Personal data erased; \(orders) order\(orders == 1 ? "" : "s") kept as financial records without it. "
                        + "Copies at Stripe (customer and Connect account) and in backups taken before now are not changed by this.")
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
