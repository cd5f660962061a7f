import Foundation

/// A public view of a seller (never an email or payment detail).
public struct SellerSummary: Codable, Sendable, Hashable {
    public var id: String
    public var displayName: String
    public var memberSince: Date?
    public var listingsCount: Int?

    public init(id: String, displayName: String, memberSince: Date? = nil, listingsCount: Int? = nil) {
        self.id = id
        self.displayName = displayName
        self.memberSince = memberSince
        self.listingsCount = listingsCount
    }
}

/// One row of the catalog: what the browse table and search results show.
public struct ListingSummary: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    public var slug: String
    public var title: String
    public var tagline: String
    public var category: String
    public var askingPrice: Money
    public var monthlyRevenue: Money
    public var monthlyProfit: Money
    public var ageMonths: Int
    public var techStack: [String]
    public var monthlyVisitors: Int
    public var seller: SellerSummary
    public var createdAt: Date
    /// The newest twelve months of revenue, minor units, oldest first (fewer when the history is shorter); absent
    /// without a history. The browse table's sparkline; the whole history is on the detail (`Listing.history`).
    public var revenueSparkline: [Int64]?

    public init(id: String, slug: String, title: String, tagline: String, category: String, askingPrice: Money,
                monthlyRevenue: Money, monthlyProfit: Money, ageMonths: Int, techStack: [String],
                monthlyVisitors: Int, seller: SellerSummary, createdAt: Date, revenueSparkline: [Int64]? = nil) {
        self.id = id
        self.slug = slug
        self.title = title
        self.tagline = tagline
        self.category = category
        self.askingPrice = askingPrice
        self.monthlyRevenue = monthlyRevenue
        self.monthlyProfit = monthlyProfit
        self.ageMonths = ageMonths
        self.techStack = techStack
        self.monthlyVisitors = monthlyVisitors
        self.seller = seller
        self.createdAt = createdAt
        self.revenueSparkline = revenueSparkline
    }

    /// Asking price over annual profit (the "multiple" buyers compare), nil when there is no profit.
    public var multiple: Double? {
        guard monthlyProfit.minorUnits > 0, monthlyProfit.currency == askingPrice.currency else { return nil }
        return Double(askingPrice.minorUnits) / Double(monthlyProfit.minorUnits * 12)
    }
}

/// A listing with everything the detail pane shows.
public struct Listing: Codable, Sendable, Hashable, Identifiable {
    public var summary: ListingSummary
    public var description: String
    public var package: PackageManifest
    /// The business assets with their sizes, as stored in the package bundle.
    public var assets: [BusinessAsset]
    public var status: ListingStatus
    public var updatedAt: Date
    /// Monthly revenue, profit and visitors, oldest first, up to 36 months (`ListingHistory`); absent when the
    /// seller gave none.
    public var history: [MonthlyFigures]?
    /// While a buyer's checkout holds the listing: when that checkout session ends (absent otherwise).
    public var reservedUntil: Date?
    /// Every published version of the package, newest first (the detail answer carries it; absent elsewhere).
    public var versions: [PackageVersion]?

    public var id: String { summary.id }

    public init(summary: ListingSummary, description: String, package: PackageManifest, assets: [BusinessAsset],
                status: ListingStatus = .active, updatedAt: Date, history: [MonthlyFigures]? = nil, reservedUntil: Date? = nil) {
        self.history = history
        self.summary = summary
        self.description = description
        self.package = package
        self.assets = assets
        self.status = status
        self.updatedAt = updatedAt
        self.reservedUntil = reservedUntil
    }

    /// Where the listing stands for a buyer.
    public var saleState: SaleState {
        switch status {
        case .sold: .sold
        // A draft is seen by its seller only; to anyone else it is not on sale, as a withdrawn listing.
        case .withdrawn, .draft: .withdrawn
        case .active: reservedUntil == nil ? .forSale : .reserved
        }
    }
}

public enum ListingStatus: String, Codable, Sendable, CaseIterable {
    case active, sold, withdrawn
    /// Published by a seller who has not finished Stripe onboarding (or chose to wait): only its seller sees it,
    /// nobody can buy it, until it goes live (`POST /api/seller/listings/{slug}/publish`).
    case draft
}

public struct BusinessAsset: Codable, Sendable, Hashable {
    /// The manifest key, e.g. `marketResearch`.
    public var kind: String
    /// Path inside the package bundle.
    public var path: String
    public var bytes: Int

    public init(kind: String, path: String, bytes: Int) {
        self.kind = kind
        self.path = path
        self.bytes = bytes
    }
}

/// A catalog facet: a category and how many active listings it has.
public struct CategoryCount: Codable, Sendable, Hashable {
    public var name: String
    public var count: Int

    public init(name: String, count: Int) {
        self.name = name
        self.count = count
    }
}

/// The orders the catalog can be listed in.
public enum ListingSort: String, Codable, Sendable, CaseIterable {
    case newest
    case priceAsc = "price_asc"
    case priceDesc = "price_desc"
    case revenue
    case profit
    case multiple
    /// Search relevance (bm25); the default when `q` is given.
    case relevance

    public var label: String {
        switch self {
        case .newest: "newest"
        case .priceAsc: "price ↑"
        case .priceDesc: "price ↓"
        case .revenue: "revenue"
        case .profit: "profit"
        case .multiple: "multiple"
        case .relevance: "relevance"
        }
    }

    /// The label with the direction the rows run in: the sort's own label forward, what reversing it shows
    /// otherwise (`oldest`, `price ↓`, `revenue ↑`: lowest first).
    public func label(reversed: Bool) -> String {
        guard reversed else { return label }
        return switch self {
        case .newest: "oldest"
        case .priceAsc: "price ↓"
        case .priceDesc: "price ↑"
        case .revenue: "revenue ↑"
        case .profit: "profit ↑"
        case .multiple: "multiple ↓"
        case .relevance: "least relevant"
        }
    }
}
