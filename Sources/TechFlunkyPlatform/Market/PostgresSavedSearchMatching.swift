import Foundation
import PostgresNIO
import TechFlunkyCore

/// `SavedSearchMatching` on PostgreSQL: a new listing against everyone's saved searches, inside the insert's
/// transaction; the filters in SQL, the words through the same tsquery (and the same term rules) Browse searches
/// with, and, as on SQLite, words match active listings only.
enum PostgresSavedSearchMatching {
    /// How many accounts were told.
    static func notifyMatches(_ tx: PostgresTransaction, listingId: String, listing: NewListing, now: Date) async throws -> Int {
        // Bulk loads (the demo catalog, synthetic fills) run before anyone saved a search: one cheap look.
        guard try await !tx.rows("SELECT 1 FROM saved_searches LIMIT 1").isEmpty else { return 0 }
        let d = listing.details
        let candidates = try await tx.rows("""
            SELECT account_id, name, q FROM saved_searches
            WHERE account_id != \(listing.sellerId) AND (category IS NULL OR category = \(d.category))
              AND (min_price IS NULL OR min_price <= \(d.askingPrice.minorUnits)) AND (max_price IS NULL OR max_price >= \(d.askingPrice.minorUnits))
            ORDER BY account_id, created_at
            """).map { try $0.decode((String, String, String?).self) }
        var told = Set<String>()
        for (account, name, q) in candidates where !told.contains(account) {
            if let words = PostgresCatalogStore.tsQuery(q) {
                guard try await !tx.rows("""
                    SELECT 1 FROM listings WHERE id = \(listingId) AND status = 'active' AND search @@ to_tsquery('simple', techflunky_unaccent(\(words)))
                    """).isEmpty else { continue }
            }
            told.insert(account)
            try await tx.execute("""
                INSERT INTO notifications (account_id, kind, message, listing_slug, listing_title, currency, new_price, created_at)
                VALUES (\(account), \(NotificationKind.savedSearchMatch.rawValue),
                        \("New for “\(name)”: \(d.title) — \(d.askingPrice.formattedWhole)"), \(listing.slug), \(d.title),
                        \(d.askingPrice.currency.code), \(d.askingPrice.minorUnits), \(StoredTime.encode(now)))
                """)
        }
        return told.count
    }
}
