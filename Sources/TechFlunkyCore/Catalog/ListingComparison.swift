import Foundation

/// Listings side by side (the compare view and `techflunky compare`): each listing's figures with the derived
/// ones a buyer compares (margin, multiple, growth over twelve months) and what its package holds. Built from
/// the listings' details, so the TUI and the CLI compare the same numbers.
public struct ListingComparison: Codable, Sendable, Hashable {
    /// How many listings can be compared at once.
    public static let maxListings = 4

    public var listings: [ComparedListing]

    public init(listings: [ComparedListing]) { self.listings = listings }
}

public struct ComparedListing: Codable, Sendable, Hashable {
    /// What the package deploys, by name.
    public struct Contents: Codable, Sendable, Hashable {
        public var workers: [String]
        public var d1Databases: [String]
        public var r2Buckets: [String]
        /// `TYPE name` of each record.
        public var dnsRecords: [String]
    }

    public var slug: String
    public var title: String
    public var category: String
    public var askingPrice: Money
    /// Asking price over annual profit; absent without profit.
    public var multiple: Double?
    public var monthlyRevenue: Money
    public var monthlyProfit: Money
    /// Profit over revenue, in percent; absent without revenue.
    public var marginPercent: Double?
    public var ageMonths: Int
    public var monthlyVisitors: Int
    /// Revenue growth over twelve months (`ListingHistory.revenueGrowth`), in percent; absent without 15 months of history.
    public var revenueGrowth12MonthsPercent: Double?
    /// The newest twelve months of revenue, minor units.
    public var revenueSparkline: [Int64]?
    public var contents: Contents
    public var seller: SellerSummary

    public init(_ listing: Listing) {
        let s = listing.summary
        slug = s.slug
        title = s.title
        category = s.category
        askingPrice = s.askingPrice
        multiple = s.multiple
        monthlyRevenue = s.monthlyRevenue
        monthlyProfit = s.monthlyProfit
        marginPercent = s.monthlyRevenue.minorUnits > 0 && s.monthlyRevenue.currency == s.monthlyProfit.currency
            ? Double(s.monthlyProfit.minorUnits) / Double(s.monthlyRevenue.minorUnits) * 100 : nil
        ageMonths = s.ageMonths
        monthlyVisitors = s.monthlyVisitors
        revenueGrowth12MonthsPercent = ListingHistory.revenueGrowth(listing.history).map { $0 * 100 }
        revenueSparkline = ListingHistory.sparkline(listing.history) ?? s.revenueSparkline
        let cf = listing.package.cloudflare
        contents = Contents(workers: cf.workers.map(\.name), d1Databases: cf.d1Databases.map(\.name), r2Buckets: cf.r2Buckets.map(\.name),
                            dnsRecords: cf.dnsRecords.map { "\($0.type) \($0.name)" })
        seller = s.seller
    }

    /// Which listing is best on a figure (the lowest price or multiple, the highest returns), for highlighting;
    /// nil when fewer than two have the figure or they tie.
    public static func best(_ values: [Double?], higherIsBetter: Bool) -> Int? {
        let present = values.enumerated().compactMap { i, v in v.map { (i, $0) } }
        guard present.count >= 2 else { return nil }
        let sorted = present.sorted { higherIsBetter ? $0.1 > $1.1 : $0.1 < $1.1 }
        return sorted[0].1 == sorted[1].1 ? nil : sorted[0].0
    }
}
