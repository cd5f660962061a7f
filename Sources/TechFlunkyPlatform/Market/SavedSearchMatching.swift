import Foundation
import GRDB
import TechFlunkyCore

/// A new listing against everyone's saved searches, inside the insert's transaction: the filters in SQL, the
/// words through the same full-text index (and the same term rules, `FullTextQuery`) Browse searches with.
enum SavedSearchMatching {
    static func notifyMatches(_ db: Database, listingId: String, listing: NewListing, now: Date) throws {
        // Bulk loads (the demo catalog, synthetic fills) run before anyone saved a search: one cheap look.
        guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM saved_searches)") == true else { return }
        let d = listing.details
        let candidates = try Row.fetchAll(db, sql: """
            SELECT account_id, name, q FROM saved_searches
            WHERE account_id != ? AND (category IS NULL OR category = ?)
              AND (min_price IS NULL OR min_price <= ?) AND (max_price IS NULL OR max_price >= ?)
            ORDER BY account_id, created_at
            """, arguments: [listing.sellerId, d.category, d.askingPrice.minorUnits, d.askingPrice.minorUnits])
        guard !candidates.isEmpty else { return }
        let seq = try Int64.fetchOne(db, sql: "SELECT seq FROM listings WHERE id = ?", arguments: [listingId])
        var told = Set<String>()
        for row in candidates {
            let account: String = row["account_id"]
            guard !told.contains(account) else { continue }
            if let match = FullTextQuery.make(row["q"] as String?) {
                guard let seq, try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM listings_fts WHERE listings_fts MATCH ? AND rowid = ?)",
                                                 arguments: [match, seq]) == true else { continue }
            }
            told.insert(account)
            let name: String = row["name"]
            try NotificationRecords.insert(db, accountIds: [account], .init(
                kind: .savedSearchMatch, message: "New for “\(name)”: \(d.title) — \(d.askingPrice.formattedWhole)",
                listingSlug: listing.slug, listingTitle: d.title, newPrice: d.askingPrice), now: now)
        }
    }
}
