import Foundation
import GRDB
import TechFlunkyCore

/// Writes notifications inside the caller's transaction, so a notification exists exactly when the change it
/// tells of was committed (a price drop and its notifications, a sale and its watchers' notices). The
/// `NotificationBell` wakes the streams after the commit.
enum NotificationRecords {
    struct Content {
        var kind: NotificationKind
        var message: String
        var listingSlug: String?
        var listingTitle: String?
        var oldPrice: Money?
        var newPrice: Money?
        var referenceId: String?
    }

    static func insert(_ db: Database, accountIds: [String], _ content: Content, now: Date) throws {
        guard !accountIds.isEmpty else { return }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO notifications (account_id, kind, message, listing_slug, listing_title, currency, old_price, new_price, reference_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let currency = (content.newPrice ?? content.oldPrice)?.currency.code
        for account in accountIds {
            try statement.execute(arguments: [account, content.kind.rawValue, content.message, content.listingSlug, content.listingTitle,
                                              currency, content.oldPrice?.minorUnits, content.newPrice?.minorUnits, content.referenceId,
                                              StoredTime.encode(now)])
        }
    }

    /// Tells everyone watching the listing (but `except`, who caused the change).
    static func toWatchers(_ db: Database, listingId: String, except: String?, _ content: Content, now: Date) throws {
        let watchers = try String.fetchAll(db, sql: "SELECT account_id FROM watchlist WHERE listing_id = ? AND account_id IS NOT ?",
                                           arguments: [listingId, except])
        try insert(db, accountIds: watchers, content, now: now)
    }

    static func decode(_ row: Row) -> MarketNotification {
        let currency = (row["currency"] as String?).map { Currency(code: $0) }
        return MarketNotification(
            id: row["seq"], kind: NotificationKind(rawValue: row["kind"]) ?? .other, message: row["message"],
            listingSlug: row["listing_slug"], listingTitle: row["listing_title"],
            oldPrice: currency.flatMap { c in (row["old_price"] as Int64?).map { Money(minorUnits: $0, currency: c) } },
            newPrice: currency.flatMap { c in (row["new_price"] as Int64?).map { Money(minorUnits: $0, currency: c) } },
            referenceId: row["reference_id"], createdAt: StoredTime.decode(row["created_at"] as Int64),
            readAt: StoredTime.decode(row["read_at"] as Int64?))
    }
}

/// Times in messages: UTC, to the minute, the same for every reader.
enum MarketTime {
    static func text(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "d MMM yyyy HH:mm 'UTC'"
        return formatter.string(from: date)
    }
}
