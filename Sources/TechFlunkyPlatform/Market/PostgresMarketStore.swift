import Foundation
import PostgresNIO
import TechFlunkyCore

/// `MarketStore` on PostgreSQL (`pg_v5_deals_market_versions`), with `SQLiteMarketStore`'s rules.
///
/// Reserving is "reserve if free": the listing's row is locked (`FOR UPDATE`) while its state is read and
/// changed, so two checkouts racing on two instances cannot both hold it. Notifications are written in the
/// transaction that made the change (a reservation tells the watchers), as on SQLite.
///
/// SQLite's `NotificationBell` hears every committed notification through GRDB; nothing hears PostgreSQL that
/// way, so this store calls `rang` after each commit that added or read-marked a notification. The platform
/// passes the bell's `ring` (and a cross-instance relay, LISTEN/NOTIFY, can be hung on the same hook).
public struct PostgresMarketStore: MarketStore {
    let database: PostgresDatabase
    let rang: @Sendable () -> Void

    public init(database: PostgresDatabase, rang: @escaping @Sendable () -> Void) {
        self.database = database
        self.rang = rang
    }

    // MARK: Reservations

    public func reserve(listingId: String, orderId: String, buyerId: String, until: Date, now: Date) async throws -> ListingReservation {
        let (outcome, told) = try await database.transaction { tx -> (ListingReservation, Bool) in
            guard let before = try await PostgresListingSale.facts(tx, listingId: listingId, lock: true) else { return (.notForSale, false) }
            switch before.status {
            case "sold": return (.sold, false)
            case "active": break
            default: return (.notForSale, false)
            }
            if let other = before.reservedOrder, other != orderId, let end = before.reservedUntil, end > now {
                return (.heldByAnother(until: end), false)
            }
            try await tx.execute("""
                UPDATE listings SET reserved_until = \(StoredTime.encode(until)), reserved_order = \(orderId) WHERE id = \(listingId)
                """)
            guard before.reservedOrder != orderId else { return (.reserved, false) }
            let told = try await PostgresListingSale.toWatchers(tx, listingId: listingId, except: buyerId, .init(
                kind: .listingReserved, message: "Reserved: \(before.title) — a buyer is checking out; it goes back on sale if they do not pay",
                listingSlug: before.slug, listingTitle: before.title), now: now)
            return (.reserved, told > 0)
        }
        if told { rang() }
        return outcome
    }

    public func releaseReservation(listingId: String, orderId: String, now: Date) async throws {
        let told = try await database.transaction { tx in
            try await PostgresListingSale.release(tx, listingId: listingId, orderId: orderId, now: now)
        }
        if told > 0 { rang() }
    }

    public func releaseLapsedReservations(now: Date) async throws -> Int {
        // A read first: almost always there is nothing to free.
        let any = try await !database.rows("""
            SELECT 1 FROM listings WHERE reserved_until IS NOT NULL AND reserved_until <= \(StoredTime.encode(now)) LIMIT 1
            """).isEmpty
        guard any else { return 0 }
        let (freed, told) = try await database.transaction { tx -> (Int, Int) in
            // SKIP LOCKED: a listing another instance is releasing (or a checkout is reserving) right now is theirs.
            let lapsed = try await tx.rows("""
                SELECT id, reserved_order FROM listings WHERE reserved_until IS NOT NULL AND reserved_until <= \(StoredTime.encode(now))
                FOR UPDATE SKIP LOCKED
                """).map { try $0.decode((String, String?).self) }
            var told = 0
            for (id, order) in lapsed {
                told += try await PostgresListingSale.release(tx, listingId: id, orderId: order, now: now)
            }
            return (lapsed.count, told)
        }
        if told > 0 { rang() }
        return freed
    }

    // MARK: Watchlist

    static let watchedColumns = "\(PostgresCatalogStore.summaryColumns), l.status, l.reserved_until, w.created_at AS watched_at"

    /// `watchedColumns` by position: the summary's 17, then status, reservation end, when watched.
    static func watched(_ row: PostgresRow, now: Date) throws -> WatchedListing {
        let cells = row.makeRandomAccess()
        let until = StoredTime.decode(try cells[18].decode(Int64?.self)).flatMap { $0 > now ? $0 : nil }
        let state: SaleState = switch ListingStatus(rawValue: try cells[17].decode(String.self)) ?? .withdrawn {
        case .sold: .sold
        case .withdrawn, .draft: .withdrawn
        case .active: until == nil ? .forSale : .reserved
        }
        return WatchedListing(listing: try PostgresCatalogStore.summary(from: row), saleState: state,
                              reservedUntil: state == .reserved ? until : nil, watchedAt: StoredTime.decode(try cells[19].decode(Int64.self)))
    }

    public func watch(accountId: String, slug: String, now: Date) async throws -> WatchedListing? {
        try await database.transaction { tx in
            guard let id = try await tx.rows("SELECT id FROM listings WHERE slug = \(slug) AND status != 'withdrawn'").first?.decode(String.self) else {
                return nil
            }
            try await tx.execute("""
                INSERT INTO watchlist (account_id, listing_id, created_at) VALUES (\(accountId), \(id), \(StoredTime.encode(now)))
                ON CONFLICT DO NOTHING
                """)
            return try await tx.rows("""
                SELECT \(unescaped: Self.watchedColumns) FROM watchlist w JOIN listings l ON l.id = w.listing_id JOIN accounts a ON a.id = l.seller_id
                WHERE w.account_id = \(accountId) AND w.listing_id = \(id)
                """).first.map { try Self.watched($0, now: now) }
        }
    }

    public func unwatch(accountId: String, slug: String) async throws -> Bool {
        try await !database.rows("""
            DELETE FROM watchlist WHERE account_id = \(accountId) AND listing_id IN (SELECT id FROM listings WHERE slug = \(slug)) RETURNING 1
            """).isEmpty
    }

    public func watchlist(accountId: String, now: Date) async throws -> [WatchedListing] {
        try await database.rows("""
            SELECT \(unescaped: Self.watchedColumns) FROM watchlist w JOIN listings l ON l.id = w.listing_id JOIN accounts a ON a.id = l.seller_id
            WHERE w.account_id = \(accountId) ORDER BY w.created_at DESC, l.seq DESC
            """).map { try Self.watched($0, now: now) }
    }

    // MARK: Saved searches

    static func savedSearch(_ row: PostgresRow) throws -> SavedSearch {
        let r = row.makeRandomAccess()
        return SavedSearch(id: try r.value("id"), name: try r.value("name"), q: try r.value("q"), category: try r.value("category"),
                           minPrice: try r.value("min_price"), maxPrice: try r.value("max_price"),
                           createdAt: StoredTime.decode(try r.value("created_at", as: Int64.self)))
    }

    public func saveSearch(accountId: String, _ request: SaveSearchRequest, now: Date) async throws -> SavedSearch {
        try PostgresDatabase.refuseNul([("name", request.name), ("q", request.q ?? ""), ("category", request.category ?? "")])
        // The same name again replaces that search's filters (as saving a file under its name does); one statement,
        // so two saves at once end with one search.
        guard let row = try await database.rows("""
            INSERT INTO saved_searches (id, account_id, name, q, category, min_price, max_price, created_at)
            VALUES (\(PlatformID.make("srch")), \(accountId), \(request.name), \(request.q), \(request.category), \(request.minPrice),
                    \(request.maxPrice), \(StoredTime.encode(now)))
            ON CONFLICT (account_id, name) DO UPDATE SET q = excluded.q, category = excluded.category,
                min_price = excluded.min_price, max_price = excluded.max_price
            RETURNING *
            """).first else { throw PlatformError.internal() }
        return try Self.savedSearch(row)
    }

    public func savedSearches(accountId: String) async throws -> [SavedSearch] {
        // SQLite's `COLLATE NOCASE` folds the ASCII letters A-Z only and compares the rest by their bytes. lower() is no
        // stand-in: it folds by the database's locale (É to é under C.UTF-8 and en_US alike), whatever collation its
        // result is then compared in. translate() folds exactly A-Z; "C" compares the bytes.
        try await database.rows("""
            SELECT * FROM saved_searches WHERE account_id = \(accountId)
            ORDER BY translate(name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') COLLATE "C", created_at
            """).map(Self.savedSearch)
    }

    public func deleteSavedSearch(accountId: String, id: String) async throws -> Bool {
        try await !database.rows("DELETE FROM saved_searches WHERE account_id = \(accountId) AND id = \(id) RETURNING 1").isEmpty
    }

    // MARK: Notifications

    public func insertNotification(accountId: String, kind: NotificationKind, message: String, listingSlug: String?, referenceId: String?,
                                   now: Date) async throws {
        try PostgresDatabase.refuseNul([("message", message)])
        try await database.execute("""
            INSERT INTO notifications (account_id, kind, message, listing_slug, listing_title, reference_id, created_at)
            VALUES (\(accountId), \(kind.rawValue), \(message), \(listingSlug),
                    (SELECT title FROM listings WHERE slug = \(listingSlug)), \(referenceId), \(StoredTime.encode(now)))
            """)
        rang()
    }

    public func notifications(accountId: String, limit: Int, unreadOnly: Bool) async throws -> [MarketNotification] {
        try await database.rows("""
            SELECT * FROM notifications WHERE account_id = \(accountId) \(unescaped: unreadOnly ? "AND read_at IS NULL" : "")
            ORDER BY seq DESC LIMIT \(Int64(max(0, limit)))
            """).map(PostgresListingSale.decodeNotification)
    }

    public func notifications(accountId: String, after seq: Int, limit: Int) async throws -> [MarketNotification] {
        try await database.rows("""
            SELECT * FROM notifications WHERE account_id = \(accountId) AND seq > \(Int64(seq)) ORDER BY seq LIMIT \(Int64(max(0, limit)))
            """).map(PostgresListingSale.decodeNotification)
    }

    public func unreadCount(accountId: String) async throws -> Int {
        try await database.rows("SELECT count(*) FROM notifications WHERE account_id = \(accountId) AND read_at IS NULL").first?.decode(Int.self) ?? 0
    }

    public func markRead(accountId: String, _ request: MarkNotificationsReadRequest, now: Date) async throws -> Int {
        let time = StoredTime.encode(now)
        let (marked, unread) = try await database.transaction { tx -> (Int, Int) in
            var marked = 0
            if let ids = request.ids, !ids.isEmpty {
                marked += try await tx.rows("""
                    UPDATE notifications SET read_at = \(time) WHERE account_id = \(accountId) AND seq = ANY(\(ids.map(Int64.init))) AND read_at IS NULL
                    RETURNING 1
                    """).count
            }
            if let upTo = request.upTo {
                marked += try await tx.rows("""
                    UPDATE notifications SET read_at = \(time) WHERE account_id = \(accountId) AND seq <= \(Int64(upTo)) AND read_at IS NULL RETURNING 1
                    """).count
            }
            if request.ids == nil, request.upTo == nil {
                marked += try await tx.rows("""
                    UPDATE notifications SET read_at = \(time) WHERE account_id = \(accountId) AND read_at IS NULL RETURNING 1
                    """).count
            }
            let unread = try await tx.rows("SELECT count(*) FROM notifications WHERE account_id = \(accountId) AND read_at IS NULL")
                .first?.decode(Int.self) ?? 0
            return (marked, unread)
        }
        // The account's other streams show the new unread count.
        if marked > 0 { rang() }
        return unread
    }
}

/// `ListingSaleRecords` and `NotificationRecords` on a PostgreSQL transaction: the listing's sale state and the
/// watchers' notices written with it.
enum PostgresListingSale {
    /// `lock`: take the listing's row lock until the transaction ends (the caller changes it on what it read).
    static func facts(_ tx: PostgresTransaction, listingId: String, lock: Bool) async throws -> ListingSaleRecords.ListingFacts? {
        try await tx.rows("""
            SELECT id, slug, title, seller_id, status, reserved_until, reserved_order FROM listings WHERE id = \(listingId)
            \(unescaped: lock ? "FOR UPDATE" : "")
            """).first.map { row in
            let r = row.makeRandomAccess()
            return ListingSaleRecords.ListingFacts(
                id: try r.value("id"), slug: try r.value("slug"), title: try r.value("title"), sellerId: try r.value("seller_id"),
                status: try r.value("status"), reservedUntil: StoredTime.decode(try r.value("reserved_until", as: Int64?.self)),
                reservedOrder: try r.value("reserved_order"))
        }
    }

    /// Ends `orderId`'s reservation: back on sale. Returns how many watchers were told.
    static func release(_ tx: PostgresTransaction, listingId: String, orderId: String?, now: Date) async throws -> Int {
        guard let before = try await facts(tx, listingId: listingId, lock: true), before.reservedOrder == orderId else { return 0 }
        try await tx.execute("UPDATE listings SET reserved_until = NULL, reserved_order = NULL WHERE id = \(listingId)")
        guard before.status == "active" else { return 0 }
        return try await toWatchers(tx, listingId: listingId, except: nil, .init(
            kind: .backOnSale, message: "Back on sale: \(before.title) — the checkout that reserved it ended unpaid",
            listingSlug: before.slug, listingTitle: before.title), now: now)
    }

    /// Tells everyone watching the listing (but `except`, who caused the change); how many were told.
    @discardableResult
    static func toWatchers(_ tx: PostgresTransaction, listingId: String, except: String?, _ content: NotificationRecords.Content,
                           now: Date) async throws -> Int {
        let currency = (content.newPrice ?? content.oldPrice)?.currency.code
        return try await tx.rows("""
            INSERT INTO notifications (account_id, kind, message, listing_slug, listing_title, currency, old_price, new_price, reference_id, created_at)
            SELECT account_id, \(content.kind.rawValue), \(content.message), \(content.listingSlug), \(content.listingTitle), \(currency),
                   \(content.oldPrice?.minorUnits), \(content.newPrice?.minorUnits), \(content.referenceId), \(StoredTime.encode(now))
            FROM watchlist WHERE listing_id = \(listingId) AND account_id IS DISTINCT FROM \(except)
            ORDER BY created_at, account_id
            RETURNING 1
            """).count
    }

    static func decodeNotification(_ row: PostgresRow) throws -> MarketNotification {
        let r = row.makeRandomAccess()
        let currency = try r.value("currency", as: String?.self).map { Currency(code: $0) }
        let oldPrice = try r.value("old_price", as: Int64?.self), newPrice = try r.value("new_price", as: Int64?.self)
        return MarketNotification(
            id: try r.value("seq"), kind: NotificationKind(rawValue: try r.value("kind", as: String.self)) ?? .other, message: try r.value("message"),
            listingSlug: try r.value("listing_slug"), listingTitle: try r.value("listing_title"),
            oldPrice: currency.flatMap { c in oldPrice.map { Money(minorUnits: $0, currency: c) } },
            newPrice: currency.flatMap { c in newPrice.map { Money(minorUnits: $0, currency: c) } },
            referenceId: try r.value("reference_id"), createdAt: StoredTime.decode(try r.value("created_at", as: Int64.self)),
            readAt: StoredTime.decode(try r.value("read_at", as: Int64?.self)))
    }
}
