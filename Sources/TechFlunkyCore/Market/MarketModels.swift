import Foundation

// Wire types of the buyer's marketplace: watchlist, saved searches and the per-user notifications stream.

/// What a notification tells of. Unknown kinds (a newer platform) decode as `.other` so an older client
/// still lists them by their message.
public enum NotificationKind: String, Codable, Sendable, CaseIterable {
    /// A watched listing's asking price went down.
    case priceDrop = "price_drop"
    /// A watched listing was reserved by a buyer's checkout.
    case listingReserved = "listing_reserved"
    /// A watched listing was sold.
    case listingSold = "listing_sold"
    /// A watched listing is for sale again (a reservation ended unpaid, or a sale was refunded).
    case backOnSale = "back_on_sale"
    /// A new listing matches one of the account's saved searches.
    case savedSearchMatch = "saved_search_match"
    /// A seller's share of a sale was released after the review hold.
    case holdReleased = "hold_released"
    /// A seller answered the account's offer (accepted, declined or countered).
    case offerAnswered = "offer_answered"
    /// A seller answered the account's question about a listing.
    case questionAnswered = "question_answered"
    case other

    public init(from decoder: Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        self = NotificationKind(rawValue: raw) ?? .other
    }
}

/// One notification of one account. `id` is its place in the account's stream (the SSE `id`, so
/// `Last-Event-ID` resumes after it).
public struct MarketNotification: Codable, Sendable, Hashable, Identifiable {
    public var id: Int
    public var kind: NotificationKind
    /// A sentence a person reads ("Price drop: TaxTally — $355,000 → $320,000").
    public var message: String
    public var listingSlug: String?
    public var listingTitle: String?
    public var oldPrice: Money?
    public var newPrice: Money?
    /// What else it is about (an order, an offer or a question id), when anything.
    public var referenceId: String?
    public var createdAt: Date
    public var readAt: Date?

    public init(id: Int, kind: NotificationKind, message: String, listingSlug: String? = nil, listingTitle: String? = nil,
                oldPrice: Money? = nil, newPrice: Money? = nil, referenceId: String? = nil, createdAt: Date, readAt: Date? = nil) {
        self.id = id
        self.kind = kind
        self.message = message
        self.listingSlug = listingSlug
        self.listingTitle = listingTitle
        self.oldPrice = oldPrice
        self.newPrice = newPrice
        self.referenceId = referenceId
        self.createdAt = createdAt
        self.readAt = readAt
    }

    public var isUnread: Bool { readAt == nil }
}

/// `GET /api/notifications`: newest first, and how many are unread in all.
public struct NotificationsResponse: Codable, Sendable, Hashable {
    public var notifications: [MarketNotification]
    public var unreadCount: Int

    public init(notifications: [MarketNotification], unreadCount: Int) {
        self.notifications = notifications
        self.unreadCount = unreadCount
    }
}

/// `POST /api/notifications/read`: the given ids, or every notification up to and including `upTo`, or all
/// when neither is given.
public struct MarkNotificationsReadRequest: Codable, Sendable, Hashable {
    public var ids: [Int]?
    public var upTo: Int?

    public init(ids: [Int]? = nil, upTo: Int? = nil) {
        self.ids = ids
        self.upTo = upTo
    }
}

/// The answer to marking notifications read: how many are still unread.
public struct UnreadCount: Codable, Sendable, Hashable {
    public var unreadCount: Int
    public init(unreadCount: Int) { self.unreadCount = unreadCount }
}

/// Where a listing stands in the market, as a buyer sees it.
public enum SaleState: String, Codable, Sendable, CaseIterable {
    case forSale = "for_sale"
    case reserved
    case sold
    case withdrawn
}

/// One row of the watchlist: the listing as it is now (sold and reserved ones stay on the list).
public struct WatchedListing: Codable, Sendable, Hashable {
    public var listing: ListingSummary
    public var saleState: SaleState
    /// When a reservation ends (the checkout session's expiry), while `saleState` is `reserved`.
    public var reservedUntil: Date?
    public var watchedAt: Date

    public init(listing: ListingSummary, saleState: SaleState, reservedUntil: Date? = nil, watchedAt: Date) {
        self.listing = listing
        self.saleState = saleState
        self.reservedUntil = reservedUntil
        self.watchedAt = watchedAt
    }
}

public struct WatchlistResponse: Codable, Sendable, Hashable {
    public var items: [WatchedListing]
    public init(items: [WatchedListing]) { self.items = items }
}

/// A search kept under a name: the same query and filters `GET /api/listings` takes (money in minor units).
public struct SavedSearch: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    public var name: String
    public var q: String?
    public var category: String?
    public var minPrice: Int64?
    public var maxPrice: Int64?
    public var createdAt: Date

    public init(id: String, name: String, q: String? = nil, category: String? = nil, minPrice: Int64? = nil, maxPrice: Int64? = nil, createdAt: Date) {
        self.id = id
        self.name = name
        self.q = q
        self.category = category
        self.minPrice = minPrice
        self.maxPrice = maxPrice
        self.createdAt = createdAt
    }

    /// The listing query this search runs.
    public var query: ListingQuery {
        var query = ListingQuery()
        query.q = q
        query.category = category
        query.minPrice = minPrice
        query.maxPrice = maxPrice
        return query
    }
}

/// `POST /api/saved-searches`.
public struct SaveSearchRequest: Codable, Sendable, Hashable {
    public var name: String
    public var q: String?
    public var category: String?
    public var minPrice: Int64?
    public var maxPrice: Int64?

    public init(name: String, q: String? = nil, category: String? = nil, minPrice: Int64? = nil, maxPrice: Int64? = nil) {
        self.name = name
        self.q = q
        self.category = category
        self.minPrice = minPrice
        self.maxPrice = maxPrice
    }
}

public struct SavedSearchesResponse: Codable, Sendable, Hashable {
    public var searches: [SavedSearch]
    public init(searches: [SavedSearch]) { self.searches = searches }
}
