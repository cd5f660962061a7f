import Foundation
import GRDB
import TechFlunkyCore

/// Reservations, watchlists, saved searches and notifications.
public protocol MarketStore: Sendable {
    func reserve(listingId: String, orderId: String, buyerId: String, until: Date, now: Date) async throws -> ListingReservation
    func releaseReservation(listingId: String, orderId: String, now: Date) async throws
    /// Frees every reservation whose checkout session has ended by `now`; how many.
    @discardableResult
    func releaseLapsedReservations(now: Date) async throws -> Int

    func watch(accountId: String, slug: String, now: Date) async throws -> WatchedListing?
    /// False when the listing was not on the list.
    func unwatch(accountId: String, slug: String) async throws -> Bool
    func watchlist(accountId: String, now: Date) async throws -> [WatchedListing]

    func saveSearch(accountId: String, _ request: SaveSearchRequest, now: Date) async throws -> SavedSearch
    func savedSearches(accountId: String) async throws -> [SavedSearch]
    func deleteSavedSearch(accountId: String, id: String) async throws -> Bool

    func insertNotification(accountId: String, kind: NotificationKind, message: String, listingSlug: String?, referenceId: String?, now: Date) async throws
    /// Newest first.
    func notifications(accountId: String, limit: Int, unreadOnly: Bool) async throws -> [MarketNotification]
    /// Oldest first, after `seq` (the stream's replay).
    func notifications(accountId: String, after seq: Int, limit: Int) async throws -> [MarketNotification]
    func unreadCount(accountId: String) async throws -> Int
    func markRead(accountId: String, _ request: MarkNotificationsReadRequest, now: Date) async throws -> Int
}

/// What reserving a listing for a checkout came to.
public enum ListingReservation: Sendable, Equatable {
    case reserved
    case heldByAnother(until: Date)
    case sold
    case notForSale
}

public struct SQLiteMarketStore: MarketStore {
    let database: PlatformDatabase

    public init(database: PlatformDatabase) { self.database = database }

    public func reserve(listingId: String, orderId: String, buyerId: String, until: Date, now: Date) async throws -> ListingReservation {
        try await database.pool.write { db in
            switch try ListingSaleRecords.reserve(db, listingId: listingId, orderId: orderId, buyerId: buyerId, until: until, now: now) {
            case .reserved: .reserved
            case let .heldByAnother(end): .heldByAnother(until: end)
            case .sold: .sold
            case .notForSale: .notForSale
            }
        }
    }

    public func releaseReservation(listingId: String, orderId: String, now: Date) async throws {
        try await database.pool.write { db in try ListingSaleRecords.release(db, listingId: listingId, orderId: orderId, now: now) }
    }

    public func releaseLapsedReservations(now: Date) async throws -> Int {
        // A read first: almost always there is nothing to free, and a read does not wait for the writer.
        let any = try await database.pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM listings WHERE reserved_until IS NOT NULL AND reserved_until <= ?)",
                              arguments: [StoredTime.encode(now)]) ?? false
        }
        guard any else { return 0 }
        return try await database.pool.write { db in try ListingSaleRecords.releaseLapsed(db, now: now) }
    }

    // MARK: Watchlist

    static let watchedColumns = "\(SQLiteCatalogStore.summaryColumns), l.status, l.reserved_until, w.created_at AS watched_at"

    static func watched(_ row: Row, now: Date) -> WatchedListing {
        let until = StoredTime.decode(row["reserved_until"] as Int64?).flatMap { $0 > now ? $0 : nil }
        let state: SaleState = switch ListingStatus(rawValue: row["status"]) ?? .withdrawn {
        case .sold: .sold
        case .withdrawn, .draft: .withdrawn
        case .active: until == nil ? .forSale : .reserved
        }
        return WatchedListing(listing: SQLiteCatalogStore.summary(from: row), saleState: state, reservedUntil: state == .reserved ? until : nil,
                              watchedAt: StoredTime.decode(row["watched_at"] as Int64))
    }

    public func watch(accountId: String, slug: String, now: Date) async throws -> WatchedListing? {
        try await database.pool.write { db in
            guard let id = try String.fetchOne(db, sql: "SELECT id FROM listings WHERE slug = ? AND status != 'withdrawn'", arguments: [slug]) else { return nil }
            try db.execute(sql: "INSERT OR IGNORE INTO watchlist (account_id, listing_id, created_at) VALUES (?, ?, ?)",
                           arguments: [accountId, id, StoredTime.encode(now)])
            return try Row.fetchOne(db, sql: """
                SELECT \(Self.watchedColumns) FROM watchlist w JOIN listings l ON l.id = w.listing_id JOIN accounts a ON a.id = l.seller_id
                WHERE w.account_id = ? AND w.listing_id = ?
                """, arguments: [accountId, id]).map { Self.watched($0, now: now) }
        }
    }

    public func unwatch(accountId: String, slug: String) async throws -> Bool {
        try await database.pool.write { db in
            try db.execute(sql: "DELETE FROM watchlist WHERE account_id = ? AND listing_id IN (SELECT id FROM listings WHERE slug = ?)",
                           arguments: [accountId, slug])
            return db.changesCount > 0
        }
    }

    public func watchlist(accountId: String, now: Date) async throws -> [WatchedListing] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.watchedColumns) FROM watchlist w JOIN listings l ON l.id = w.listing_id JOIN accounts a ON a.id = l.seller_id
                WHERE w.account_id = ? ORDER BY w.created_at DESC, l.seq DESC
                """, arguments: [accountId]).map { Self.watched($0, now: now) }
        }
    }

    // MARK: Saved searches

    static func savedSearch(_ row: Row) -> SavedSearch {
        SavedSearch(id: row["id"], name: row["name"], q: row["q"], category: row["category"], minPrice: row["min_price"],
                    maxPrice: row["max_price"], createdAt: StoredTime.decode(row["created_at"] as Int64))
    }

    public func saveSearch(accountId: String, _ request: SaveSearchRequest, now: Date) async throws -> SavedSearch {
        try await database.pool.write { db in
            // The same name again replaces that search's filters (as saving a file under its name does).
            try db.execute(sql: """
                INSERT INTO saved_searches (id, account_id, name, q, category, min_price, max_price, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (account_id, name) DO UPDATE SET q = excluded.q, category = excluded.category,
                    min_price = excluded.min_price, max_price = excluded.max_price
                """, arguments: [PlatformID.make("srch"), accountId, request.name, request.q, request.category, request.minPrice, request.maxPrice,
                                 StoredTime.encode(now)])
            let row = try Row.fetchOne(db, sql: "SELECT * FROM saved_searches WHERE account_id = ? AND name = ?", arguments: [accountId, request.name])!
            return Self.savedSearch(row)
        }
    }

    public func savedSearches(accountId: String) async throws -> [SavedSearch] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM saved_searches WHERE account_id = ? ORDER BY name COLLATE NOCASE, created_at",
                             arguments: [accountId]).map(Self.savedSearch)
        }
    }

    public func deleteSavedSearch(accountId: String, id: String) async throws -> Bool {
        try await database.pool.write { db in
            try db.execute(sql: "DELETE FROM saved_searches WHERE account_id = ? AND id = ?", arguments: [accountId, id])
            return db.changesCount > 0
        }
    }

    // MARK: Notifications

    public func insertNotification(accountId: String, kind: NotificationKind, message: String, listingSlug: String?, referenceId: String?, now: Date) async throws {
        try await database.pool.write { db in
            let title = try listingSlug.flatMap { try String.fetchOne(db, sql: "SELECT title FROM listings WHERE slug = ?", arguments: [$0]) }
            try NotificationRecords.insert(db, accountIds: [accountId], .init(kind: kind, message: message, listingSlug: listingSlug,
                                                                               listingTitle: title, referenceId: referenceId), now: now)
        }
    }

    public func notifications(accountId: String, limit: Int, unreadOnly: Bool) async throws -> [MarketNotification] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM notifications WHERE account_id = ? \(unreadOnly ? "AND read_at IS NULL" : "") ORDER BY seq DESC LIMIT ?
                """, arguments: [accountId, limit]).map(NotificationRecords.decode)
        }
    }

    public func notifications(accountId: String, after seq: Int, limit: Int) async throws -> [MarketNotification] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM notifications WHERE account_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                             arguments: [accountId, seq, limit]).map(NotificationRecords.decode)
        }
    }

    public func unreadCount(accountId: String) async throws -> Int {
        try await database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM notifications WHERE account_id = ? AND read_at IS NULL", arguments: [accountId]) ?? 0
        }
    }

    public func markRead(accountId: String, _ request: MarkNotificationsReadRequest, now: Date) async throws -> Int {
        try await database.pool.write { db in
            let time = StoredTime.encode(now)
            if let ids = request.ids {
                for id in ids {
                    try db.execute(sql: "UPDATE notifications SET read_at = ? WHERE account_id = ? AND seq = ? AND read_at IS NULL",
                                   arguments: [time, accountId, id])
                }
            }
            if let upTo = request.upTo {
                try db.execute(sql: "UPDATE notifications SET read_at = ? WHERE account_id = ? AND seq <= ? AND read_at IS NULL",
                               arguments: [time, accountId, upTo])
            }
            if request.ids == nil, request.upTo == nil {
                try db.execute(sql: "UPDATE notifications SET read_at = ? WHERE account_id = ? AND read_at IS NULL", arguments: [time, accountId])
            }
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM notifications WHERE account_id = ? AND read_at IS NULL", arguments: [accountId]) ?? 0
        }
    }
}
