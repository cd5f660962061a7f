import Foundation
import PostgresNIO
import TechFlunkyCore

/// `OrderStore` (and the orchestrator's `DeploymentOrderAccess`) on PostgreSQL (`PostgresSchema`'s `pg_v4_orders`),
/// with the SQLite store's semantics, made safe for several instances writing at once:
///
/// - A Stripe event is applied once: its id's primary key decides (`INSERT … ON CONFLICT DO NOTHING` in the
///   transaction that applies it; a second delivery racing the first waits on the key and then sees a repeat).
///   The order row is locked (`FOR UPDATE`) while its facts change, so two events of one order apply one after
///   the other, and the listing's sold / back-on-sale change is written in the same transaction.
/// - A due hold is claimed before its transfer: `FOR UPDATE SKIP LOCKED` picks rows no other instance is
///   choosing, and the claim (`release_claimed_by/until`) keeps them off the hold until it lapses.
/// - An `Idempotency-Key` is claimed by inserting it; a racing request waits on the key and then sees it in
///   progress (or its answer).
///
/// Notifications written here (a sale to the listing's watchers, a release to its seller) go to the market tables
/// (`pg_v5_deals_market_versions`); `notificationsWritten` is called after a commit that wrote any, to ring the
/// notification bell.
public struct PostgresOrderStore: OrderStore, DeploymentOrderAccess {
    let database: PostgresDatabase
    let packages: PackageStore
    let notificationsWritten: (@Sendable () -> Void)?

    public init(database: PostgresDatabase, packages: PackageStore, notificationsWritten: (@Sendable () -> Void)? = nil) {
        self.database = database
        self.packages = packages
        self.notificationsWritten = notificationsWritten
    }

    /// The order columns every query selects, in `StoredOrder(postgres:)`'s order (25 of them; a query's own
    /// columns start at 25).
    static let columns = """
        o.id, o.listing_id, o.listing_slug, o.listing_title, o.buyer_id, o.seller_id, o.currency, o.amount, o.fee, o.seller_share,
        o.state, o.checkout_session_id, o.checkout_url, o.session_expires_at, o.payment_intent_id, o.charge_id, o.created_at,
        o.paid_at, o.hold_until, o.hold_frozen_reason, o.refunded_at, o.disputed_at, o.expired_at, o.released_at, o.transfer_id
        """

    public func ownsListing(buyerId: String, listingId: String) async throws -> Bool {
        try await database.rows("""
            SELECT EXISTS (SELECT 1 FROM orders WHERE buyer_id = \(buyerId) AND listing_id = \(listingId) AND paid_at IS NOT NULL AND refunded_at IS NULL)
            """).first?.decode(Bool.self) ?? false
    }

    public func openCheckout(buyerId: String, listingId: String, now: Date) async throws -> StoredOrder? {
        try await database.rows("""
            SELECT \(unescaped: Self.columns) FROM orders o WHERE o.buyer_id = \(buyerId) AND o.listing_id = \(listingId) AND o.paid_at IS NULL
              AND o.expired_at IS NULL AND o.refunded_at IS NULL AND o.checkout_session_id IS NOT NULL AND o.session_expires_at > \(StoredTime.encode(now))
            ORDER BY o.created_at DESC LIMIT 1
            """).first.map(StoredOrder.init(postgres:))
    }

    public func insert(_ order: StoredOrder) async throws {
        try PostgresDatabase.refuseNul([("listingTitle", order.listingTitle)])
        let created = StoredTime.encode(order.createdAt)
        try await database.execute("""
            INSERT INTO orders (id, listing_id, listing_slug, listing_title, buyer_id, seller_id, currency, amount, fee, seller_share,
                                state, created_at, updated_at)
            VALUES (\(order.id), \(order.listingId), \(order.listingSlug), \(order.listingTitle), \(order.buyerId), \(order.sellerId),
                    \(order.amount.currency.code), \(order.amount.minorUnits), \(order.platformFee.minorUnits), \(order.sellerShare.minorUnits),
                    \(order.state.rawValue), \(created), \(created))
            """)
    }

    public func attachCheckoutSession(orderId: String, sessionId: String, url: String, expiresAt: Date) async throws {
        try await database.execute("""
            UPDATE orders SET checkout_session_id = \(sessionId), checkout_url = \(url), session_expires_at = \(StoredTime.encode(expiresAt))
            WHERE id = \(orderId)
            """)
    }

    public func delete(orderId: String) async throws {
        try await database.execute("DELETE FROM orders WHERE id = \(orderId) AND paid_at IS NULL")
    }

    public func order(id: String) async throws -> StoredOrder? {
        try await database.rows("SELECT \(unescaped: Self.columns) FROM orders o WHERE o.id = \(id)").first.map(StoredOrder.init(postgres:))
    }

    public func orders(buyerId: String) async throws -> [StoredOrder] {
        try await database.rows("SELECT \(unescaped: Self.columns) FROM orders o WHERE o.buyer_id = \(buyerId) ORDER BY o.created_at DESC, o.id DESC")
            .map(StoredOrder.init(postgres:))
    }

    public func sales(sellerId: String) async throws -> [StoredOrder] {
        try await database.rows("""
            SELECT \(unescaped: Self.columns) FROM orders o WHERE o.seller_id = \(sellerId) AND o.paid_at IS NOT NULL ORDER BY o.paid_at DESC, o.id DESC
            """).map(StoredOrder.init(postgres:))
    }

    // MARK: Payment events

    public func apply(eventId: String, eventType: String, fact: PaymentFact, holdInterval: TimeInterval, now: Date) async throws -> PaymentFactOutcome {
        try PostgresDatabase.refuseNul([("event id", eventId), ("event type", eventType)])
        let time = StoredTime.encode(now)
        let at = StoredTime.decode(time) as Date
        let (outcome, notified) = try await transaction { tx -> (PaymentFactOutcome, Bool) in
            // The event's id decides: a delivery racing this one waits here until this transaction ends, then
            // finds the id taken (or, if this one rolled back, takes it).
            guard try await !tx.rows("""
                INSERT INTO stripe_events (id, type, received_at) VALUES (\(eventId), \(eventType), \(time)) ON CONFLICT (id) DO NOTHING RETURNING 1
                """).isEmpty else { return (.duplicate, false) }

            func find(orderId: String?, sessionId: String? = nil, chargeId: String? = nil, paymentIntentId: String? = nil) async throws -> StoredOrder? {
                let select = "SELECT \(Self.columns) FROM orders o WHERE"
                if let orderId, let row = try await tx.rows("\(unescaped: select) o.id = \(orderId) FOR UPDATE").first {
                    return try StoredOrder(postgres: row)
                }
                if let sessionId, let row = try await tx.rows("\(unescaped: select) o.checkout_session_id = \(sessionId) FOR UPDATE").first {
                    return try StoredOrder(postgres: row)
                }
                if let chargeId, let row = try await tx.rows("\(unescaped: select) o.charge_id = \(chargeId) LIMIT 1 FOR UPDATE").first {
                    return try StoredOrder(postgres: row)
                }
                if let paymentIntentId,
                   let row = try await tx.rows("\(unescaped: select) o.payment_intent_id = \(paymentIntentId) LIMIT 1 FOR UPDATE").first {
                    return try StoredOrder(postgres: row)
                }
                return nil
            }

            func save(_ before: StoredOrder, _ after: StoredOrder) async throws -> (PaymentFactOutcome, Bool) {
                var after = after
                after.state = after.derivedState
                try await tx.execute("""
                    UPDATE orders SET state = \(after.state.rawValue), checkout_session_id = COALESCE(checkout_session_id, \(after.checkoutSessionId)),
                        payment_intent_id = \(after.paymentIntentId), charge_id = \(after.chargeId),
                        paid_at = \(after.paidAt.map(StoredTime.encode)), hold_until = \(after.holdUntil.map(StoredTime.encode)),
                        refunded_at = \(after.refundedAt.map(StoredTime.encode)), disputed_at = \(after.disputedAt.map(StoredTime.encode)),
                        expired_at = \(after.expiredAt.map(StoredTime.encode)), updated_at = \(time)
                    WHERE id = \(after.id)
                    """)
                // A business sells once: the listing follows its order (as ListingSaleRecords on SQLite).
                var notified = false
                if before.paidAt == nil, after.paidAt != nil, after.refundedAt == nil {
                    notified = try await SaleRecords.markSold(tx, listingId: after.listingId, buyerId: after.buyerId, now: at)
                } else if before.refundedAt == nil, after.refundedAt != nil, after.paidAt != nil {
                    notified = try await SaleRecords.putBackOnSale(tx, listingId: after.listingId, now: at)
                } else if after.paidAt == nil, before.expiredAt == nil, after.expiredAt != nil {
                    notified = try await SaleRecords.release(tx, listingId: after.listingId, orderId: after.id, now: at)
                }
                return (.applied(orderId: after.id, before: before.state.rawValue, after: after.state.rawValue), notified)
            }

            switch fact {
            case let .paid(orderId, sessionId, paymentIntentId, chargeId):
                guard let order = try await find(orderId: orderId, sessionId: sessionId) else { return (.unmatched, false) }
                var updated = order
                updated.checkoutSessionId = order.checkoutSessionId ?? sessionId
                updated.paymentIntentId = paymentIntentId ?? order.paymentIntentId
                updated.chargeId = chargeId ?? order.chargeId
                if order.paidAt == nil {
                    updated.paidAt = at
                    updated.holdUntil = at.addingTimeInterval(holdInterval)
                }
                return try await save(order, updated)
            case let .awaitingPayment(orderId, sessionId, paymentIntentId):
                guard let order = try await find(orderId: orderId, sessionId: sessionId) else { return (.unmatched, false) }
                var updated = order
                updated.paymentIntentId = paymentIntentId ?? order.paymentIntentId
                return try await save(order, updated)
            case let .paymentFailed(orderId, sessionId), let .sessionExpired(orderId, sessionId):
                guard let order = try await find(orderId: orderId, sessionId: sessionId) else { return (.unmatched, false) }
                var updated = order
                if order.expiredAt == nil { updated.expiredAt = at }
                return try await save(order, updated)
            case let .refunded(orderId, chargeId, paymentIntentId):
                guard let order = try await find(orderId: orderId, chargeId: chargeId, paymentIntentId: paymentIntentId) else { return (.unmatched, false) }
                var updated = order
                updated.chargeId = order.chargeId ?? chargeId
                updated.paymentIntentId = order.paymentIntentId ?? paymentIntentId
                if order.refundedAt == nil { updated.refundedAt = at }
                return try await save(order, updated)
            case let .disputed(orderId, chargeId, paymentIntentId):
                guard let order = try await find(orderId: orderId, chargeId: chargeId, paymentIntentId: paymentIntentId) else { return (.unmatched, false) }
                var updated = order
                updated.chargeId = order.chargeId ?? chargeId
                updated.paymentIntentId = order.paymentIntentId ?? paymentIntentId
                if order.disputedAt == nil { updated.disputedAt = at }
                return try await save(order, updated)
            case let .disputeClosed(orderId, chargeId, paymentIntentId, won):
                guard let order = try await find(orderId: orderId, chargeId: chargeId, paymentIntentId: paymentIntentId) else { return (.unmatched, false) }
                var updated = order
                if won { updated.disputedAt = nil } else if order.refundedAt == nil { updated.refundedAt = at }
                return try await save(order, updated)
            case let .connectAccountUpdated(account, details, charges, payouts):
                let changed = try await !tx.rows("""
                    UPDATE accounts SET details_submitted = \(details), charges_enabled = \(charges), payouts_enabled = \(payouts)
                    WHERE stripe_account_id = \(account) RETURNING 1
                    """).isEmpty
                return (changed ? .applied(orderId: nil, before: nil, after: nil) : .unmatched, false)
            case .ignored:
                return (.applied(orderId: nil, before: nil, after: nil), false)
            }
        }
        if notified { notificationsWritten?() }
        return outcome
    }

    // MARK: Holds

    static let dueCondition = """
        o.paid_at IS NOT NULL AND o.released_at IS NULL AND o.refunded_at IS NULL AND o.disputed_at IS NULL
          AND o.hold_frozen_reason IS NULL AND o.charge_id IS NOT NULL AND a.stripe_account_id IS NOT NULL AND a.payouts_enabled
        """

    public func dueForRelease(now: Date) async throws -> [(order: StoredOrder, destination: String)] {
        try await database.rows("""
            SELECT \(unescaped: Self.columns), a.stripe_account_id FROM orders o JOIN accounts a ON a.id = o.seller_id
            WHERE \(unescaped: Self.dueCondition) AND o.hold_until <= \(StoredTime.encode(now))
            ORDER BY o.hold_until, o.id
            """).map(Self.due(from:))
    }

    /// One statement: the due rows nobody else is choosing (`SKIP LOCKED`) and nobody holds a live claim on,
    /// locked, then marked as this claimant's. A row another instance claimed and committed meanwhile is
    /// re-checked under the lock (READ COMMITTED) and left out, its claim being live.
    public func claimDueHolds(now: Date, claimant: String, for lease: TimeInterval, limit: Int) async throws -> [(order: StoredOrder, destination: String)] {
        let time = StoredTime.encode(now), until = StoredTime.encode(now.addingTimeInterval(lease))
        return try await database.rows("""
            WITH due AS (
                SELECT o.id FROM orders o JOIN accounts a ON a.id = o.seller_id
                WHERE \(unescaped: Self.dueCondition) AND o.hold_until <= \(time)
                  AND (o.release_claimed_until IS NULL OR o.release_claimed_until <= \(time))
                ORDER BY o.hold_until, o.id LIMIT \(Int64(max(0, limit)))
                FOR UPDATE OF o SKIP LOCKED
            )
            UPDATE orders o SET release_claimed_by = \(claimant), release_claimed_until = \(until)
            FROM due, accounts a
            WHERE o.id = due.id AND a.id = o.seller_id
            RETURNING \(unescaped: Self.columns), a.stripe_account_id
            """).map(Self.due(from:)).sorted { ($0.order.holdUntil ?? .distantPast, $0.order.id) < ($1.order.holdUntil ?? .distantPast, $1.order.id) }
    }

    public func releaseHoldClaim(orderId: String, claimant: String) async throws {
        try await database.execute("""
            UPDATE orders SET release_claimed_by = NULL, release_claimed_until = NULL WHERE id = \(orderId) AND release_claimed_by = \(claimant)
            """)
    }

    public func markReleased(orderId: String, transferId: String, now: Date) async throws -> Bool {
        let time = StoredTime.encode(now)
        let (released, notified) = try await transaction { tx -> (Bool, Bool) in
            guard let row = try await tx.rows("""
                UPDATE orders o SET released_at = \(time), transfer_id = \(transferId), state = 'released', updated_at = \(time),
                    release_claimed_by = NULL, release_claimed_until = NULL
                WHERE o.id = \(orderId) AND o.released_at IS NULL AND o.refunded_at IS NULL AND o.disputed_at IS NULL AND o.hold_frozen_reason IS NULL
                RETURNING \(unescaped: Self.columns)
                """).first else {
                // Keep the transfer id even when the order changed meanwhile, so it can be reversed.
                try await tx.execute("UPDATE orders SET transfer_id = COALESCE(transfer_id, \(transferId)) WHERE id = \(orderId)")
                return (false, false)
            }
            let order = try StoredOrder(postgres: row)
            let notified = try await SaleRecords.notify(tx, accountIds: [order.sellerId], kind: .holdReleased,
                                                        message: "Payout released: \(order.sellerShare.formatted) for \(order.listingTitle)",
                                                        listingSlug: order.listingSlug, listingTitle: order.listingTitle, newPrice: order.sellerShare,
                                                        referenceId: order.id, now: now)
            return (true, notified)
        }
        if notified { notificationsWritten?() }
        return released
    }

    public func setHoldFrozen(orderId: String, reason: String?, now: Date) async throws {
        try await database.execute("UPDATE orders SET hold_frozen_reason = \(reason), updated_at = \(StoredTime.encode(now)) WHERE id = \(orderId)")
    }

    public func holdCounts(dueBefore: Date) async throws -> HoldCounts {
        let row = try await database.rows("""
            SELECT count(*) FILTER (WHERE a.stripe_account_id IS NOT NULL AND a.payouts_enabled), count(*)
            FROM orders o JOIN accounts a ON a.id = o.seller_id
            WHERE o.state IN ('paid', 'in_review') AND o.hold_frozen_reason IS NULL AND o.hold_until <= \(StoredTime.encode(dueBefore))
              AND o.charge_id IS NOT NULL
            """).first
        let (ready, due) = try row?.decode((Int, Int).self) ?? (0, 0)
        return HoldCounts(pastDue: ready, awaitingPayouts: due - ready)
    }

    public func holdSnapshot(now: Date) async throws -> HoldSnapshot {
        var byState: [String: Int] = [:]
        for row in try await database.rows("""
            SELECT CASE
                     WHEN state IN ('paid', 'in_review') AND hold_frozen_reason IS NOT NULL AND hold_until <= \(StoredTime.encode(now)) THEN 'frozen'
                     WHEN state IN ('paid', 'in_review') THEN 'in_review'
                     ELSE state
                   END AS hold, count(*)
            FROM orders WHERE state IN ('paid', 'in_review', 'released', 'refunded', 'disputed')
            GROUP BY hold
            """) {
            let (hold, count) = try row.decode((String, Int).self)
            byState[hold] = count
        }
        return HoldSnapshot(byState: byState, pastDue: try await holdCounts(dueBefore: now).pastDue)
    }

    static func due(from row: PostgresRow) throws -> (order: StoredOrder, destination: String) {
        (try StoredOrder(postgres: row), try row.makeRandomAccess()[25].decode(String.self))
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

    /// The key's primary key decides between requests racing on several instances: one inserts it, the others
    /// wait for that transaction and then read what it left (in progress, or its answer).
    public func claimIdempotencyKey(accountId: String, key: String, requestHash: String, now: Date, lifetime: TimeInterval) async throws -> IdempotencyClaim {
        try PostgresDatabase.refuseNul([("Idempotency-Key", key)])
        let time = StoredTime.encode(now), expires = StoredTime.encode(now.addingTimeInterval(lifetime))
        // A key that ended between the insert and the read is tried again: twice is plenty.
        for _ in 0..<3 {
            let claim = try await transaction { tx -> IdempotencyClaim? in
                try await tx.execute("DELETE FROM idempotency_keys WHERE account_id = \(accountId) AND key = \(key) AND expires_at <= \(time)")
                if try await !tx.rows("""
                    INSERT INTO idempotency_keys (account_id, key, request_hash, created_at, expires_at)
                    VALUES (\(accountId), \(key), \(requestHash), \(time), \(expires))
                    ON CONFLICT (account_id, key) DO NOTHING RETURNING 1
                    """).isEmpty {
                    return .claimed
                }
                guard let row = try await tx.rows("""
                    SELECT request_hash, response_status, response_body FROM idempotency_keys WHERE account_id = \(accountId) AND key = \(key)
                    """).first else { return nil }
                let (hash, status, body) = try row.decode((String, Int?, Data?).self)
                guard hash == requestHash else { return .mismatch }
                guard let status, let body else { return .inProgress }
                return .replay(status: status, body: body)
            }
            if let claim { return claim }
        }
        return .inProgress
    }

    public func completeIdempotentRequest(accountId: String, key: String, status: Int, body: Data) async throws {
        try await database.execute("""
            UPDATE idempotency_keys SET response_status = \(status), response_body = \(body) WHERE account_id = \(accountId) AND key = \(key)
            """)
    }

    public func releaseIdempotencyKey(accountId: String, key: String) async throws {
        try await database.execute("DELETE FROM idempotency_keys WHERE account_id = \(accountId) AND key = \(key) AND response_status IS NULL")
    }

    // MARK: Transactions

    /// The statements of one transaction (`PostgresDatabase.transaction`).
    typealias Transaction = PostgresTransaction

    func transaction<T: Sendable>(_ body: (Transaction) async throws -> T) async throws -> T {
        try await database.transaction(body)
    }
}

extension PostgresOrderStore {
    /// `ListingSaleRecords` (the rule "a business sells once") in SQL on a PostgreSQL transaction, for the changes a
    /// payment event makes: sold, back on sale after a refund, reservation ended by an expired checkout. The
    /// listing row is locked while it changes. Each returns whether it wrote a notification.
    enum SaleRecords {
        struct Facts {
            var slug: String
            var title: String
            var status: String
            var reservedOrder: String?
        }

        static func facts(_ tx: Transaction, listingId: String) async throws -> Facts? {
            guard let row = try await tx.rows("SELECT slug, title, status, reserved_order FROM listings WHERE id = \(listingId) FOR UPDATE").first else {
                return nil
            }
            let (slug, title, status, reservedOrder) = try row.decode((String, String, String, String?).self)
            return Facts(slug: slug, title: title, status: status, reservedOrder: reservedOrder)
        }

        static func markSold(_ tx: Transaction, listingId: String, buyerId: String, now: Date) async throws -> Bool {
            guard let before = try await facts(tx, listingId: listingId), before.status != "sold" else { return false }
            try await tx.execute("""
                UPDATE listings SET status = CASE WHEN status = 'active' THEN 'sold' ELSE status END, reserved_until = NULL, reserved_order = NULL,
                    updated_at = \(StoredTime.encode(now))
                WHERE id = \(listingId)
                """)
            guard before.status == "active" else { return false }
            return try await toWatchers(tx, listingId: listingId, except: buyerId, kind: .listingSold, message: "Sold: \(before.title)",
                                        listingSlug: before.slug, listingTitle: before.title, now: now)
        }

        static func putBackOnSale(_ tx: Transaction, listingId: String, now: Date) async throws -> Bool {
            guard let before = try await facts(tx, listingId: listingId), before.status == "sold" else { return false }
            let stillSold = try await tx.rows("""
                SELECT EXISTS (SELECT 1 FROM orders WHERE listing_id = \(listingId) AND paid_at IS NOT NULL AND refunded_at IS NULL)
                """).first?.decode(Bool.self) ?? false
            guard !stillSold else { return false }
            try await tx.execute("""
                UPDATE listings SET status = 'active', reserved_until = NULL, reserved_order = NULL, updated_at = \(StoredTime.encode(now))
                WHERE id = \(listingId)
                """)
            return try await toWatchers(tx, listingId: listingId, except: nil, kind: .backOnSale,
                                        message: "Back on sale: \(before.title) — its sale was refunded", listingSlug: before.slug,
                                        listingTitle: before.title, now: now)
        }

        static func release(_ tx: Transaction, listingId: String, orderId: String, now: Date) async throws -> Bool {
            guard let before = try await facts(tx, listingId: listingId), before.reservedOrder == orderId else { return false }
            try await tx.execute("UPDATE listings SET reserved_until = NULL, reserved_order = NULL WHERE id = \(listingId)")
            guard before.status == "active" else { return false }
            return try await toWatchers(tx, listingId: listingId, except: nil, kind: .backOnSale,
                                        message: "Back on sale: \(before.title) — the checkout that reserved it ended unpaid",
                                        listingSlug: before.slug, listingTitle: before.title, now: now)
        }

        static func toWatchers(_ tx: Transaction, listingId: String, except: String?, kind: NotificationKind, message: String,
                               listingSlug: String, listingTitle: String, now: Date) async throws -> Bool {
            try await !tx.rows("""
                INSERT INTO notifications (account_id, kind, message, listing_slug, listing_title, created_at)
                SELECT account_id, \(kind.rawValue), \(message), \(listingSlug), \(listingTitle), \(StoredTime.encode(now))
                FROM watchlist WHERE listing_id = \(listingId) AND account_id IS DISTINCT FROM \(except)
                RETURNING 1
                """).isEmpty
        }

        static func notify(_ tx: Transaction, accountIds: [String], kind: NotificationKind, message: String, listingSlug: String?,
                           listingTitle: String?, newPrice: Money?, referenceId: String?, now: Date) async throws -> Bool {
            guard !accountIds.isEmpty else { return false }
            for account in accountIds {
                try await tx.execute("""
                    INSERT INTO notifications (account_id, kind, message, listing_slug, listing_title, currency, new_price, reference_id, created_at)
                    VALUES (\(account), \(kind.rawValue), \(message), \(listingSlug), \(listingTitle), \(newPrice?.currency.code),
                            \(newPrice?.minorUnits), \(referenceId), \(StoredTime.encode(now)))
                    """)
            }
            return true
        }
    }
}

extension StoredOrder {
    /// An order from `PostgresOrderStore.columns`, read by position.
    init(postgres row: PostgresRow) throws {
        let c = row.makeRandomAccess()
        let currency = Currency(code: try c[6].decode(String.self))
        id = try c[0].decode(String.self)
        listingId = try c[1].decode(String.self)
        listingSlug = try c[2].decode(String.self)
        listingTitle = try c[3].decode(String.self)
        buyerId = try c[4].decode(String.self)
        sellerId = try c[5].decode(String.self)
        amount = Money(minorUnits: try c[7].decode(Int64.self), currency: currency)
        platformFee = Money(minorUnits: try c[8].decode(Int64.self), currency: currency)
        sellerShare = Money(minorUnits: try c[9].decode(Int64.self), currency: currency)
        state = OrderState(rawValue: try c[10].decode(String.self)) ?? .pendingPayment
        checkoutSessionId = try c[11].decode(String?.self)
        checkoutURL = try c[12].decode(String?.self)
        sessionExpiresAt = StoredTime.decode(try c[13].decode(Int64?.self))
        paymentIntentId = try c[14].decode(String?.self)
        chargeId = try c[15].decode(String?.self)
        createdAt = StoredTime.decode(try c[16].decode(Int64.self))
        paidAt = StoredTime.decode(try c[17].decode(Int64?.self))
        holdUntil = StoredTime.decode(try c[18].decode(Int64?.self))
        holdFrozenReason = try c[19].decode(String?.self)
        refundedAt = StoredTime.decode(try c[20].decode(Int64?.self))
        disputedAt = StoredTime.decode(try c[21].decode(Int64?.self))
        expiredAt = StoredTime.decode(try c[22].decode(Int64?.self))
        releasedAt = StoredTime.decode(try c[23].decode(Int64?.self))
        transferId = try c[24].decode(String?.self)
    }
}
