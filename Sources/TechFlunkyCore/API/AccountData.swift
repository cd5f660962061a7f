import Foundation

/// `GET /api/account/export`: everything the platform holds about the signed-in account, in one document.
/// Session tokens are never in it (the platform keeps only their hashes, and not even those are exported);
/// nor is the password hash.
public struct AccountExport: Codable, Sendable, Hashable {
    public var exportedAt: Date
    public var account: Account
    /// The Stripe Connect account, when the account sells.
    public var seller: SellerAccountStatus?
    public var sessions: [ExportedSession]
    /// Orders as the buyer.
    public var orders: [Order]
    /// Orders of the account's listings (as the seller), and their payouts.
    public var sales: [Order]
    public var payouts: [Payout]
    /// The account's listings, withdrawn and sold ones too.
    public var listings: [ExportedListing]
    /// Deployments of the account's orders with their whole event log.
    public var deployments: [ExportedDeployment]
    /// Offers the account made or received, as buyer or seller, each as the account sees it (`yourRole`).
    public var offers: [Offer]
    /// Questions the account asked, and those asked about its listings, with their answers.
    public var questions: [Question]
    /// Listings the account watches.
    public var watchlist: [WatchedListing]
    public var savedSearches: [SavedSearch]
    /// Every notification the account was sent, read or not (newest first).
    public var notifications: [MarketNotification]

    public init(exportedAt: Date, account: Account, seller: SellerAccountStatus?, sessions: [ExportedSession], orders: [Order],
                sales: [Order], payouts: [Payout], listings: [ExportedListing], deployments: [ExportedDeployment],
                offers: [Offer] = [], questions: [Question] = [], watchlist: [WatchedListing] = [], savedSearches: [SavedSearch] = [],
                notifications: [MarketNotification] = []) {
        self.exportedAt = exportedAt
        self.account = account
        self.seller = seller
        self.sessions = sessions
        self.orders = orders
        self.sales = sales
        self.payouts = payouts
        self.listings = listings
        self.deployments = deployments
        self.offers = offers
        self.questions = questions
        self.watchlist = watchlist
        self.savedSearches = savedSearches
        self.notifications = notifications
    }

    private enum CodingKeys: String, CodingKey {
        case exportedAt, account, seller, sessions, orders, sales, payouts, listings, deployments
        case offers, questions, watchlist, savedSearches, notifications
    }

    /// The marketplace parts (offers … notifications) came later: an export from a platform before them reads as empty.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        exportedAt = try c.decode(Date.self, forKey: .exportedAt)
        account = try c.decode(Account.self, forKey: .account)
        seller = try c.decodeIfPresent(SellerAccountStatus.self, forKey: .seller)
        sessions = try c.decode([ExportedSession].self, forKey: .sessions)
        orders = try c.decode([Order].self, forKey: .orders)
        sales = try c.decode([Order].self, forKey: .sales)
        payouts = try c.decode([Payout].self, forKey: .payouts)
        listings = try c.decode([ExportedListing].self, forKey: .listings)
        deployments = try c.decode([ExportedDeployment].self, forKey: .deployments)
        offers = try c.decodeIfPresent([Offer].self, forKey: .offers) ?? []
        questions = try c.decodeIfPresent([Question].self, forKey: .questions) ?? []
        watchlist = try c.decodeIfPresent([WatchedListing].self, forKey: .watchlist) ?? []
        savedSearches = try c.decodeIfPresent([SavedSearch].self, forKey: .savedSearches) ?? []
        notifications = try c.decodeIfPresent([MarketNotification].self, forKey: .notifications) ?? []
    }
}

/// A sign-in: when it began and ended. The token is not kept and not exported.
public struct ExportedSession: Codable, Sendable, Hashable {
    public var createdAt: Date
    public var expiresAt: Date
    public var revokedAt: Date?

    public init(createdAt: Date, expiresAt: Date, revokedAt: Date?) {
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}

public struct ExportedListing: Codable, Sendable, Hashable {
    public var id: String
    public var slug: String
    public var title: String
    public var tagline: String
    public var description: String
    public var category: String
    public var askingPrice: Money
    public var status: ListingStatus
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, slug: String, title: String, tagline: String, description: String, category: String, askingPrice: Money,
                status: ListingStatus, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.slug = slug
        self.title = title
        self.tagline = tagline
        self.description = description
        self.category = category
        self.askingPrice = askingPrice
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

public struct ExportedDeployment: Codable, Sendable, Hashable {
    public var deployment: Deployment
    public var events: [DeploymentEvent]

    public init(deployment: Deployment, events: [DeploymentEvent]) {
        self.deployment = deployment
        self.events = events
    }
}

/// `DELETE /api/account`: `confirm` must be the account's email, typed out.
public struct DeleteAccountRequest: Codable, Sendable, Hashable {
    public var confirm: String
    public init(confirm: String) { self.confirm = confirm }
}

/// What an erasure did and what it kept.
public struct AccountErasureReceipt: Codable, Sendable, Hashable {
    public var accountId: String
    public var erasedAt: Date
    public var sessionsRevoked: Int
    public var listingsWithdrawn: Int
    public var deploymentsRemoved: Int
    /// Orders kept as financial records (amounts, dates, states), now without personal data.
    public var ordersKept: Int
    public var note: String

    public init(accountId: String, erasedAt: Date, sessionsRevoked: Int, listingsWithdrawn: Int, deploymentsRemoved: Int, ordersKept: Int, note: String) {
        self.accountId = accountId
        self.erasedAt = erasedAt
        self.sessionsRevoked = sessionsRevoked
        self.listingsWithdrawn = listingsWithdrawn
        self.deploymentsRemoved = deploymentsRemoved
        self.ordersKept = ordersKept
        self.note = note
    }
}
