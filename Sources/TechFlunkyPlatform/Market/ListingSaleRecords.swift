import Foundation
import GRDB
import TechFlunkyCore

/// The rule "a business sells once", in SQL on the caller's transaction. A listing is for sale
/// (`status = 'active'`, no live reservation), reserved (`reserved_order` holds the order whose checkout
/// session is open, until `reserved_until`), or sold (`status = 'sold'`, out of the catalog's indexes and so
/// out of Browse). Each change tells the listing's watchers.
enum ListingSaleRecords {
    enum Reservation: Equatable {
        case reserved
        /// Another order's checkout holds it until then.
        case heldByAnother(until: Date)
        case sold
        case notForSale
    }

    struct ListingFacts {
        var id: String
        var slug: String
        var title: String
        var sellerId: String
        var status: String
        var reservedUntil: Date?
        var reservedOrder: String?
    }

    static func facts(_ db: Database, listingId: String) throws -> ListingFacts? {
        try Row.fetchOne(db, sql: "SELECT id, slug, title, seller_id, status, reserved_until, reserved_order FROM listings WHERE id = ?",
                         arguments: [listingId]).map {
            ListingFacts(id: $0["id"], slug: $0["slug"], title: $0["title"], sellerId: $0["seller_id"], status: $0["status"],
                         reservedUntil: StoredTime.decode($0["reserved_until"] as Int64?), reservedOrder: $0["reserved_order"])
        }
    }

    /// Holds the listing for `orderId` until `until`, unless it is sold, withdrawn, or held for another order
    /// whose reservation has not ended at `now`. Holding it again for the same order moves the end.
    static func reserve(_ db: Database, listingId: String, orderId: String, buyerId: String, until: Date, now: Date) throws -> Reservation {
        guard let before = try facts(db, listingId: listingId) else { return .notForSale }
        switch before.status {
        case "sold": return .sold
        case "active": break
        default: return .notForSale
        }
        if let other = before.reservedOrder, other != orderId, let end = before.reservedUntil, end > now {
            return .heldByAnother(until: end)
        }
        try db.execute(sql: "UPDATE listings SET reserved_until = ?, reserved_order = ? WHERE id = ?",
                       arguments: [StoredTime.encode(until), orderId, listingId])
        if before.reservedOrder != orderId {
            try NotificationRecords.toWatchers(db, listingId: listingId, except: buyerId, .init(
                kind: .listingReserved, message: "Reserved: \(before.title) — a buyer is checking out; it goes back on sale if they do not pay",
                listingSlug: before.slug, listingTitle: before.title), now: now)
        }
        return .reserved
    }

    /// Ends `orderId`'s reservation (its checkout expired, failed or was never made): back on sale.
    static func release(_ db: Database, listingId: String, orderId: String, now: Date) throws {
        guard let before = try facts(db, listingId: listingId), before.reservedOrder == orderId else { return }
        try db.execute(sql: "UPDATE listings SET reserved_until = NULL, reserved_order = NULL WHERE id = ?", arguments: [listingId])
        if before.status == "active" {
            try NotificationRecords.toWatchers(db, listingId: listingId, except: nil, .init(
                kind: .backOnSale, message: "Back on sale: \(before.title) — the checkout that reserved it ended unpaid",
                listingSlug: before.slug, listingTitle: before.title), now: now)
        }
    }

    /// Ends every reservation whose checkout session has run out by `now` (the platform's clock), for the case
    /// where Stripe's `checkout.session.expired` has not arrived (yet). Returns how many were freed.
    @discardableResult
    static func releaseLapsed(_ db: Database, now: Date) throws -> Int {
        let lapsed = try Row.fetchAll(db, sql: "SELECT id, reserved_order FROM listings WHERE reserved_until IS NOT NULL AND reserved_until <= ?",
                                      arguments: [StoredTime.encode(now)])
        for row in lapsed {
            try release(db, listingId: row["id"], orderId: row["reserved_order"], now: now)
        }
        return lapsed.count
    }

    /// Payment arrived: the listing is sold (out of Browse; its buyer, seller and watchers still see it).
    static func markSold(_ db: Database, listingId: String, buyerId: String, now: Date) throws {
        guard let before = try facts(db, listingId: listingId), before.status != "sold" else { return }
        try db.execute(sql: "UPDATE listings SET status = CASE WHEN status = 'active' THEN 'sold' ELSE status END, reserved_until = NULL, reserved_order = NULL, updated_at = ? WHERE id = ?",
                       arguments: [StoredTime.encode(now), listingId])
        guard before.status == "active" else { return }
        try NotificationRecords.toWatchers(db, listingId: listingId, except: buyerId, .init(
            kind: .listingSold, message: "Sold: \(before.title)", listingSlug: before.slug, listingTitle: before.title), now: now)
    }

    /// A refund (or a lost dispute) ended the sale: for sale again, unless another paid order still holds it.
    static func putBackOnSale(_ db: Database, listingId: String, now: Date) throws {
        guard let before = try facts(db, listingId: listingId), before.status == "sold" else { return }
        let stillSold = try Bool.fetchOne(db, sql: """
            SELECT EXISTS (SELECT 1 FROM orders WHERE listing_id = ? AND paid_at IS NOT NULL AND refunded_at IS NULL)
            """, arguments: [listingId]) ?? false
        guard !stillSold else { return }
        try db.execute(sql: "UPDATE listings SET status = 'active', reserved_until = NULL, reserved_order = NULL, updated_at = ? WHERE id = ?",
                       arguments: [StoredTime.encode(now), listingId])
        try NotificationRecords.toWatchers(db, listingId: listingId, except: nil, .init(
            kind: .backOnSale, message: "Back on sale: \(before.title) — its sale was refunded", listingSlug: before.slug,
            listingTitle: before.title), now: now)
    }
}
