import Foundation
import GRDB
import TechFlunkyCore

/// `OrderStore` (and the orchestrator's `DeploymentOrderAccess`) on the platform's SQLite database.
public struct SQLiteOrderStore: OrderStore, DeploymentOrderAccess {
    let database: PlatformDatabase
    let packages: PackageStore

    public init(database: PlatformDatabase, packages: PackageStore) {
        self.database = database
        self.packages = packages
    }

    public func ownsListing(buyerId: String, listingId: String) async throws -> Bool {
        try await database.pool.read { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM orders WHERE buyer_id = ? AND listing_id = ? AND paid_at IS NOT NULL AND refunded_at IS NULL)
                """, arguments: [buyerId, listingId]) ?? false
        }
    }

    public func openCheckout(buyerId: String, listingId: String, now: Date) async throws -> StoredOrder? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT * FROM orders WHERE buyer_id = ? AND listing_id = ? AND paid_at IS NULL AND expired_at IS NULL
                  AND refunded_at IS NULL AND checkout_session_id IS NOT NULL AND session_expires_at > ?
                ORDER BY created_at DESC LIMIT 1
                """, arguments: [buyerId, listingId, StoredTime.encode(now)]).map(StoredOrder.init(row:))
        }
    }

    public func insert(_ order: StoredOrder) async throws {
        try await database.pool.write { db in
            try db.execute(sql: """
                INSERT INTO orders (id, listing_id, listing_slug, listing_title, buyer_id, seller_id, currency, amount, fee, seller_share,
                                    state, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [order.id, order.listingId, order.listingSlug, order.listingTitle, order.buyerId, order.sellerId,
                                 order.amount.currency.code, order.amount.minorUnits, order.platformFee.minorUnits, order.sellerShare.minorUnits,
                                 order.state.rawValue, StoredTime.encode(order.createdAt), StoredTime.encode(order.createdAt)])
        }
    }

    public func attachCheckoutSession(orderId: String, sessionId: String, url: String, expiresAt: Date) async throws {
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE orders SET checkout_session_id = ?, checkout_url = ?, session_expires_at = ? WHERE id = ?",
                           arguments: [sessionId, url, StoredTime.encode(expiresAt), orderId])
        }
    }

    public func delete(orderId: String) async throws {
        try await database.pool.write { db in
            try db.execute(sql: "DELETE FROM orders WHERE id = ? AND paid_at IS NULL", arguments: [orderId])
        }
    }

    public func order(id: String) async throws -> StoredOrder? {
        try await database.pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM orders WHERE id = ?", arguments: [id]).map(StoredOrder.init(row:)) }
    }

    public func orders(buyerId: String) async throws -> [StoredOrder] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM orders WHERE buyer_id = ? ORDER BY created_at DESC, id DESC", arguments: [buyerId])
                .map(StoredOrder.init(row:))
        }
    }

    public func sales(sellerId: String) async throws -> [StoredOrder] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM orders WHERE seller_id = ? AND paid_at IS NOT NULL ORDER BY paid_at DESC, id DESC",
                             arguments: [sellerId]).map(StoredOrder.init(row:))
        }
    }

    // MARK: Payment events

    public func apply(eventId: String, eventType: String, fact: PaymentFact, holdInterval: TimeInterval, now: Date) async throws -> PaymentFactOutcome {
        try await database.pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO stripe_events (id, type, received_at) VALUES (?, ?, ?)",
                           arguments: [eventId, eventType, StoredTime.encode(now)])
            guard db.changesCount > 0 else { return .duplicate }
            let time = StoredTime.encode(now)

            func find(orderId: String?, sessionId: String? = nil, chargeId: String? = nil, paymentIntentId: String? = nil) throws -> StoredOrder? {
                if let orderId, let row = try Row.fetchOne(db, sql: "SELECT * FROM orders WHERE id = ?", arguments: [orderId]) { return StoredOrder(row: row) }
                if let sessionId, let row = try Row.fetchOne(db, sql: "SELECT * FROM orders WHERE checkout_session_id = ?", arguments: [sessionId]) { return StoredOrder(row: row) }
                if let chargeId, let row = try Row.fetchOne(db, sql: "SELECT * FROM orders WHERE charge_id = ?", arguments: [chargeId]) { return StoredOrder(row: row) }
                if let paymentIntentId, let row = try Row.fetchOne(db, sql: "SELECT * FROM orders WHERE payment_intent_id = ?", arguments: [paymentIntentId]) { return StoredOrder(row: row) }
                return nil
            }

            func save(_ before: StoredOrder, _ after: StoredOrder) throws -> PaymentFactOutcome {
                var after = after
                after.state = after.derivedState
                try db.execute(sql: """
                    UPDATE orders SET state = ?, checkout_session_id = COALESCE(checkout_session_id, ?), payment_intent_id = ?, charge_id = ?,
                        paid_at = ?, hold_until = ?, refunded_at = ?, disputed_at = ?, expired_at = ?, updated_at = ?
                    WHERE id = ?
                    """, arguments: [after.state.rawValue, after.checkoutSessionId, after.paymentIntentId, after.chargeId,
                                     after.paidAt.map(StoredTime.encode), after.holdUntil.map(StoredTime.encode),
                                     after.refundedAt.map(StoredTime.encode), after.disputedAt.map(StoredTime.encode),
                                     after.expiredAt.map(StoredTime.encode), time, after.id])
                // A business sells once: the listing follows its order (ListingSaleRecords).
                let at = StoredTime.decode(time)
                if before.paidAt == nil, after.paidAt != nil, after.refundedAt == nil {
                    try ListingSaleRecords.markSold(db, listingId: after.listingId, buyerId: after.buyerId, now: at)
                } else if before.refundedAt == nil, after.refundedAt != nil, after.paidAt != nil {
                    try ListingSaleRecords.putBackOnSale(db, listingId: after.listingId, now: at)
                } else if after.paidAt == nil, before.expiredAt == nil, after.expiredAt != nil {
                    try ListingSaleRecords.release(db, listingId: after.listingId, orderId: after.id, now: at)
                }
                return .applied(orderId: after.id, before: before.state.rawValue, after: after.state.rawValue)
            }

            switch fact {
            case let .paid(orderId, sessionId, paymentIntentId, chargeId):
                guard let order = try find(orderId: orderId, sessionId: sessionId) else { return .unmatched }
                var updated = order
                updated.checkoutSessionId = order.checkoutSessionId ?? sessionId
                updated.paymentIntentId = paymentIntentId ?? order.paymentIntentId
                updated.chargeId = chargeId ?? order.chargeId
                if order.paidAt == nil {
                    let paidAt = StoredTime.decode(time)
                    updated.paidAt = paidAt
                    updated.holdUntil = paidAt.addingTimeInterval(holdInterval)
                }
                return try save(order, updated)
            case let .awaitingPayment(orderId, sessionId, paymentIntentId):
                guard let order = try find(orderId: orderId, sessionId: sessionId) else { return .unmatched }
                var updated = order
                updated.paymentIntentId = paymentIntentId ?? order.paymentIntentId
                return try save(order, updated)
            case let .paymentFailed(orderId, sessionId), let .sessionExpired(orderId, sessionId):
                guard let order = try find(orderId: orderId, sessionId: sessionId) else { return .unmatched }
                var updated = order
                if order.expiredAt == nil { updated.expiredAt = StoredTime.decode(time) }
                return try save(order, updated)
            case let .refunded(orderId, chargeId, paymentIntentId):
                guard let order = try find(orderId: orderId, chargeId: chargeId, paymentIntentId: paymentIntentId) else { return .unmatched }
                var updated = order
                updated.chargeId = order.chargeId ?? chargeId
                updated.paymentIntentId = order.paymentIntentId ?? paymentIntentId
                if order.refundedAt == nil { updated.refundedAt = StoredTime.decode(time) }
                return try save(order, updated)
            case let .disputed(orderId, chargeId, paymentIntentId):
                guard let order = try find(orderId: orderId, chargeId: chargeId, paymentIntentId: paymentIntentId) else { return .unmatched }
                var updated = order
                updated.chargeId = order.chargeId ?? chargeId
                updated.paymentIntentId = order.paymentIntentId ?? paymentIntentId
                if order.disputedAt == nil { updated.disputedAt = StoredTime.decode(time) }
                return try save(order, updated)
            case let .disputeClosed(orderId, chargeId, paymentIntentId, won):
                guard let order = try find(orderId: orderId, chargeId: chargeId, paymentIntentId: paymentIntentId) else { return .unmatched }
                var updated = order
                if won { updated.disputedAt = nil } else if order.refundedAt == nil { updated.refundedAt = StoredTime.decode(time) }
                return try save(order, updated)
            case let .connectAccountUpdated(account, details, charges, payouts):
                try db.execute(sql: "UPDATE accounts SET details_submitted = ?, charges_enabled = ?, payouts_enabled = ? WHERE stripe_account_id = ?",
                               arguments: [details, charges, payouts, account])
                return db.changesCount > 0 ? .applied(orderId: nil, before: nil, after: nil) : .unmatched
            case .ignored:
                return .applied(orderId: nil, before: nil, after: nil)
            }
        }
    }

    // MARK: Holds

    public func holdCounts(dueBefore: Date) async throws -> HoldCounts {
        try await database.pool.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT
                  COALESCE(SUM(CASE WHEN accounts.stripe_account_id IS NOT NULL AND accounts.payouts_enabled = 1 THEN 1 ELSE 0 END), 0) AS ready,
                  COUNT(*) AS due
                FROM orders JOIN accounts ON accounts.id = orders.seller_id
                WHERE orders.state IN ('paid', 'in_review') AND orders.hold_frozen_reason IS NULL AND orders.hold_until <= ?
                  AND orders.charge_id IS NOT NULL
                """, arguments: [StoredTime.encode(dueBefore)])
            let ready: Int = row?["ready"] ?? 0
            let due: Int = row?["due"] ?? 0
            return HoldCounts(pastDue: ready, awaitingPayouts: due - ready)
        }
    }

    public func holdSnapshot(now: Date) async throws -> HoldSnapshot {
        let byState = try await database.pool.read { db in
            var byState: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT CASE
                         WHEN state IN ('paid', 'in_review') AND hold_frozen_reason IS NOT NULL AND hold_until <= ? THEN 'frozen'
                         WHEN state IN ('paid', 'in_review') THEN 'in_review'
                         ELSE state
                       END AS hold, COUNT(*) AS n
                FROM orders WHERE state IN ('paid', 'in_review', 'released', 'refunded', 'disputed')
                GROUP BY hold
                """, arguments: [StoredTime.encode(now)]) {
                byState[row["hold"]] = row["n"]
            }
            return byState
        }
        return HoldSnapshot(byState: byState, pastDue: try await holdCounts(dueBefore: now).pastDue)
    }

    static let dueCondition = """
        orders.paid_at IS NOT NULL AND orders.released_at IS NULL AND orders.refunded_at IS NULL AND orders.disputed_at IS NULL
          AND orders.hold_frozen_reason IS NULL AND orders.hold_until <= ? AND orders.charge_id IS NOT NULL
          AND accounts.stripe_account_id IS NOT NULL AND accounts.payouts_enabled = 1
        """

    public func dueForRelease(now: Date) async throws -> [(order: StoredOrder, destination: String)] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT orders.*, accounts.stripe_account_id AS destination FROM orders JOIN accounts ON accounts.id = orders.seller_id
                WHERE \(Self.dueCondition)
                ORDER BY orders.hold_until
                """, arguments: [StoredTime.encode(now)]).map { (StoredOrder(row: $0), $0["destination"] as String) }
        }
    }

    /// SQLite has one writer: choosing and marking in one write transaction is the whole of the race safety.
    public func claimDueHolds(now: Date, claimant: String, for lease: TimeInterval, limit: Int) async throws -> [(order: StoredOrder, destination: String)] {
        try await database.pool.write { db in
            let time = StoredTime.encode(now)
            let rows = try Row.fetchAll(db, sql: """
                SELECT orders.*, accounts.stripe_account_id AS destination FROM orders JOIN accounts ON accounts.id = orders.seller_id
                WHERE \(Self.dueCondition) AND (orders.release_claimed_until IS NULL OR orders.release_claimed_until <= ?)
                ORDER BY orders.hold_until, orders.id LIMIT ?
                """, arguments: [time, time, max(0, limit)])
            let until = StoredTime.encode(now.addingTimeInterval(lease))
            for row in rows {
                try db.execute(sql: "UPDATE orders SET release_claimed_by = ?, release_claimed_until = ? WHERE id = ?",
                               arguments: [claimant, until, row["id"] as String])
            }
            return rows.map { (StoredOrder(row: $0), $0["destination"] as String) }
        }
    }

    public func releaseHoldClaim(orderId: String, claimant: String) async throws {
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE orders SET release_claimed_by = NULL, release_claimed_until = NULL WHERE id = ? AND release_claimed_by = ?",
                           arguments: [orderId, claimant])
        }
    }

    public func markReleased(orderId: String, transferId: String, now: Date) async throws -> Bool {
        try await database.pool.write { db in
            try db.execute(sql: """
                UPDATE orders SET released_at = ?, transfer_id = ?, state = 'released', updated_at = ?,
                    release_claimed_by = NULL, release_claimed_until = NULL
                WHERE id = ? AND released_at IS NULL AND refunded_at IS NULL AND disputed_at IS NULL AND hold_frozen_reason IS NULL
                """, arguments: [StoredTime.encode(now), transferId, StoredTime.encode(now), orderId])
            if db.changesCount > 0 {
                if let order = try Row.fetchOne(db, sql: "SELECT * FROM orders WHERE id = ?", arguments: [orderId]).map(StoredOrder.init(row:)) {
                    try NotificationRecords.insert(db, accountIds: [order.sellerId], .init(
                        kind: .holdReleased, message: "Payout released: \(order.sellerShare.formatted) for \(order.listingTitle)",
                        listingSlug: order.listingSlug, listingTitle: order.listingTitle, newPrice: order.sellerShare, referenceId: order.id), now: now)
                }
                return true
            }
            // Keep the transfer id even when the order changed meanwhile, so it can be reversed.
            try db.execute(sql: "UPDATE orders SET transfer_id = COALESCE(transfer_id, ?) WHERE id = ?", arguments: [transferId, orderId])
            return false
        }
    }

    public func setHoldFrozen(orderId: String, reason: String?, now: Date) async throws {
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE orders SET hold_frozen_reason = ?, updated_at = ? WHERE id = ?",
                           arguments: [reason, StoredTime.encode(now), orderId])
        }
    }

    // MARK: DeploymentOrderAccess

    public func order(id: String, buyerId: String) async throws -> DeployableOrder? {
        guard let order = try await order(id: id), order.buyerId == buyerId else { return nil }
        return DeployableOrder(id: order.id, buyerId: order.buyerId, listingSlug: order.listingSlug, state: order.state,
                               bundleDirectory: packages.bundleDirectory(slug: order.listingSlug))
    }

    public func freezePayoutHold(orderId: String, reason: String) async throws {
        try await setHoldFrozen(orderId: orderId, reason: reason, now: Date())
    }

    public func unfreezePayoutHold(orderId: String) async throws {
        try await setHoldFrozen(orderId: orderId, reason: nil, now: Date())
    }

    // MARK: Idempotency keys

    public func claimIdempotencyKey(accountId: String, key: String, requestHash: String, now: Date, lifetime: TimeInterval) async throws -> IdempotencyClaim {
        try await database.pool.write { db in
            let time = StoredTime.encode(now)
            try db.execute(sql: "DELETE FROM idempotency_keys WHERE account_id = ? AND key = ? AND expires_at <= ?", arguments: [accountId, key, time])
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM idempotency_keys WHERE account_id = ? AND key = ?", arguments: [accountId, key]) {
                guard (row["request_hash"] as String) == requestHash else { return .mismatch }
                guard let status = row["response_status"] as Int?, let body = row["response_body"] as Data? else { return .inProgress }
                return .replay(status: status, body: body)
            }
            try db.execute(sql: "INSERT INTO idempotency_keys (account_id, key, request_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [accountId, key, requestHash, time, StoredTime.encode(now.addingTimeInterval(lifetime))])
            return .claimed
        }
    }

    public func completeIdempotentRequest(accountId: String, key: String, status: Int, body: Data) async throws {
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE idempotency_keys SET response_status = ?, response_body = ? WHERE account_id = ? AND key = ?",
                           arguments: [status, body, accountId, key])
        }
    }

    public func releaseIdempotencyKey(accountId: String, key: String) async throws {
        try await database.pool.write { db in
            try db.execute(sql: "DELETE FROM idempotency_keys WHERE account_id = ? AND key = ? AND response_status IS NULL", arguments: [accountId, key])
        }
    }
}
