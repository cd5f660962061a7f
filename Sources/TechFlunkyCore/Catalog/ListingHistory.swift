import Foundation

/// One month of a business's figures: revenue and profit in the listing's currency (integer minor units) and
/// visitors. `month` is `YYYY-MM`.
public struct MonthlyFigures: Codable, Sendable, Hashable {
    public var month: String
    public var revenue: Int64
    public var profit: Int64
    public var visitors: Int

    public init(month: String, revenue: Int64, profit: Int64, visitors: Int) {
        self.month = month
        self.revenue = revenue
        self.profit = profit
        self.visitors = visitors
    }
}

/// The rules for a listing's monthly history (`history` in techflunky.json and in the seller API's listing):
/// at most 36 months, oldest first, each the month after the one before.
public enum ListingHistory {
    public static let maxMonths = 36
    /// Months in the browse table's sparkline (`ListingSummary.revenueSparkline`).
    public static let sparklineMonths = 12

    /// `YYYY-MM` as a month count since year 0 (January 2024 → 2024 × 12), nil when malformed.
    public static func monthIndex(_ text: String) -> Int? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let year = Int(parts[0]), let month = Int(parts[1]), (1...12).contains(month), year >= 1970 else { return nil }
        return year * 12 + month - 1
    }

    /// `YYYY-MM` of a month index.
    public static func monthText(_ index: Int) -> String {
        String(format: "%04d-%02d", index / 12, index % 12 + 1)
    }

    /// Every problem of a history, with paths under `path` (`history[3].month`).
    public static func problems(_ months: [MonthlyFigures], path: String = "history") -> [ManifestProblem] {
        var problems: [ManifestProblem] = []
        if months.count > maxMonths {
            problems.append(ManifestProblem(path: path, message: "at most \(maxMonths) months (got \(months.count)); keep the newest"))
        }
        var previous: Int?
        for (i, m) in months.enumerated() {
            let at = "\(path)[\(i)]"
            if let index = monthIndex(m.month) {
                if let previous, index != previous + 1 {
                    problems.append(ManifestProblem(path: "\(at).month", message: "must be \(monthText(previous + 1)), the month after \(monthText(previous)): months are oldest first with no gap or repeat (got \"\(m.month)\")"))
                }
                previous = index
            } else {
                problems.append(ManifestProblem(path: "\(at).month", message: "must be a month written YYYY-MM, e.g. 2025-03"))
                previous = nil
            }
            if m.revenue < 0 { problems.append(ManifestProblem(path: "\(at).revenue", message: "must not be negative (minor units, e.g. cents)")) }
            if m.profit > m.revenue, m.revenue >= 0 {
                problems.append(ManifestProblem(path: "\(at).profit", message: "must not be more than that month's revenue"))
            }
            if m.visitors < 0 { problems.append(ManifestProblem(path: "\(at).visitors", message: "must not be negative")) }
        }
        return problems
    }

    /// The newest twelve months of revenue (fewer when the history is shorter); nil without history.
    public static func sparkline(_ months: [MonthlyFigures]?) -> [Int64]? {
        guard let months, !months.isEmpty else { return nil }
        return months.suffix(sparklineMonths).map(\.revenue)
    }

    /// Revenue growth over twelve months: the newest three months against the same three a year before
    /// (three months smooth out one odd month). nil with fewer than 15 months or nothing a year before.
    public static func revenueGrowth(_ months: [MonthlyFigures]?) -> Double? {
        guard let months, months.count >= 15 else { return nil }
        let recent = months.suffix(3).reduce(Int64(0)) { $0 + $1.revenue }
        let before = months.dropLast(12).suffix(3).reduce(Int64(0)) { $0 + $1.revenue }
        guard before > 0 else { return nil }
        return Double(recent - before) / Double(before)
    }
}
