import Foundation
import GRDB
import TechFlunkyCore

/// A listing's monthly history (`Listing.history`, JSON in `history`) and the twelve months of revenue the
/// browse table draws (`revenue_sparkline`, comma-separated minor units), kept apart so a listing page reads a
/// short text per row rather than decoding three years of figures.
enum ListingHistorySchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4_listing_history") { db in
            try db.execute(sql: """
                ALTER TABLE listings ADD COLUMN history TEXT;
                ALTER TABLE listings ADD COLUMN revenue_sparkline TEXT;
                """)
        }
    }
}

extension ListingHistory {
    /// `revenue_sparkline`'s stored text: the sparkline's minor units joined by commas; nil without a history.
    static func storedSparkline(_ history: [MonthlyFigures]?) -> String? {
        sparkline(history).map { $0.map(String.init).joined(separator: ",") }
    }

    /// The stored sparkline back as numbers; nil when absent or unreadable.
    static func sparkline(fromStored text: String?) -> [Int64]? {
        guard let text, !text.isEmpty else { return nil }
        let values = text.split(separator: ",").compactMap { Int64($0) }
        return values.isEmpty ? nil : values
    }

    /// `history`'s stored JSON; nil without a history.
    static func storedHistory(_ history: [MonthlyFigures]?) -> String? {
        guard let history, !history.isEmpty, let data = try? JSONEncoder().encode(history) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
