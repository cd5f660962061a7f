import Foundation

// The platform API's JSON wire types, shared by the server (TechFlunkyPlatform), the client
// (TechFlunkyClient) and docs/openapi.yaml. Money is integer minor units plus currency; dates are
// RFC 3339 strings (see `WireJSON`).

// MARK: Errors

/// `{"error": {"code": "...", "message": "...", "field": "..."}}`
public struct APIErrorBody: Codable, Sendable, Hashable, Error {
    public struct Detail: Codable, Sendable, Hashable {
        public var code: String
        public var message: String
        public var field: String?
        /// Every problem, for validation errors that find more than one (e.g. a package manifest).
        public var problems: [ManifestProblem]?

        public init(code: String, message: String, field: String? = nil, problems: [ManifestProblem]? = nil) {
            self.code = code
            self.message = message
            self.field = field
            self.problems = problems
        }
    }

    public var error: Detail

    public init(code: String, message: String, field: String? = nil, problems: [ManifestProblem]? = nil) {
        error = Detail(code: code, message: message, field: field, problems: problems)
    }
}

/// The error codes the platform uses in `error.code`.
public enum APIErrorCode {
    public static let badRequest = "bad_request"
    public static let validation = "validation_failed"
    public static let unauthorized = "unauthorized"
    public static let notFound = "not_found"
    public static let conflict = "conflict"
    public static let idempotencyMismatch = "idempotency_key_reused"
    public static let ownListing = "own_listing"
    public static let alreadyOwned = "already_owned"
    /// Another buyer's checkout holds the listing until its session ends.
    public static let listingReserved = "listing_reserved"
    /// The listing has been sold.
    public static let listingSold = "listing_sold"
    public static let notPaid = "order_not_paid"
    public static let payloadTooLarge = "payload_too_large"
    public static let paymentProvider = "payment_provider_error"
    public static let cloudflare = "cloudflare_error"
    public static let internalError = "internal_error"
    public static let rateLimited = "rate_limited"
    /// A listing cannot go live before its seller's Stripe account can take payouts (a draft can).
    public static let payoutsRequired = "payouts_required"
    /// Offers (`DealRules`): at or above the asking price, expired, already answered, not the caller's to answer,
    /// one already open in the thread, or a checkout from an offer that is not accepted.
    public static let offerAtOrAbovePrice = "offer_not_below_price"
    public static let offerExpired = "offer_expired"
    public static let offerClosed = "offer_closed"
    public static let notYourTurn = "offer_not_your_turn"
    public static let offerOpen = "offer_already_open"
    public static let offerNotAccepted = "offer_not_accepted"
    public static let listingNotForSale = "listing_not_for_sale"
}

// MARK: Accounts

public struct SignupRequest: Codable, Sendable, Hashable {
    public var email: String
    public var password: String
    public var displayName: String

    public init(email: String, password: String, displayName: String) {
        self.email = email
        self.password = password
        self.displayName = displayName
    }
}

public struct LoginRequest: Codable, Sendable, Hashable {
    public var email: String
    public var password: String

    public init(email: String, password: String) {
        self.email = email
        self.password = password
    }
}

public struct Account: Codable, Sendable, Hashable {
    public var id: String
    public var email: String
    public var displayName: String
    public var createdAt: Date

    public init(id: String, email: String, displayName: String, createdAt: Date) {
        self.id = id
        self.email = email
        self.displayName = displayName
        self.createdAt = createdAt
    }
}

public struct AuthResponse: Codable, Sendable, Hashable {
    /// The bearer session token. Shown once; the server keeps only its hash.
    public var token: String
    public var expiresAt: Date
    public var account: Account

    public init(token: String, expiresAt: Date, account: Account) {
        self.token = token
        self.expiresAt = expiresAt
        self.account = account
    }
}

/// `GET /api/me`
public struct MeResponse: Codable, Sendable, Hashable {
    public var account: Account
    public var seller: SellerAccountStatus?
    /// Present when the platform runs against the offline stand-ins.
    public var sandbox: Bool

    public init(account: Account, seller: SellerAccountStatus?, sandbox: Bool) {
        self.account = account
        self.seller = seller
        self.sandbox = sandbox
    }
}

// MARK: Catalog

/// `GET /api/listings`: one page; `nextCursor` is opaque, nil on the last page.
public struct ListingPage: Codable, Sendable, Hashable {
    public var items: [ListingSummary]
    public var nextCursor: String?
    /// How many listings match the query in all, or, when `totalIsLowerBound`, at least how many.
    public var total: Int
    /// True when a search or filter matched more listings than the server counts (10,000): show "10,000+".
    /// Absent from the JSON when false.
    public var totalIsLowerBound: Bool

    public init(items: [ListingSummary], nextCursor: String?, total: Int, totalIsLowerBound: Bool = false) {
        self.items = items
        self.nextCursor = nextCursor
        self.total = total
        self.totalIsLowerBound = totalIsLowerBound
    }

    enum CodingKeys: String, CodingKey {
        case items, nextCursor, total, totalIsLowerBound
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        items = try c.decode([ListingSummary].self, forKey: .items)
        nextCursor = try c.decodeIfPresent(String.self, forKey: .nextCursor)
        total = try c.decode(Int.self, forKey: .total)
        totalIsLowerBound = try c.decodeIfPresent(Bool.self, forKey: .totalIsLowerBound) ?? false
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(items, forKey: .items)
        try c.encodeIfPresent(nextCursor, forKey: .nextCursor)
        try c.encode(total, forKey: .total)
        if totalIsLowerBound { try c.encode(true, forKey: .totalIsLowerBound) }
    }

    /// `total` for people: "1,234" or "10,000+".
    public var totalText: String {
        (total < 0 ? "-" : "") + Money.grouped(UInt64(total.magnitude)) + (totalIsLowerBound ? "+" : "")
    }
}

/// The query of `GET /api/listings`, shared so client and server agree on parameter names.
public struct ListingQuery: Sendable, Hashable {
    public var q: String?
    public var category: String?
    /// Minor units, inclusive.
    public var minPrice: Int64?
    public var maxPrice: Int64?
    public var sort: ListingSort?
    /// The sort's order turned around (oldest first, cheapest first for `price_desc`, least relevant first): every
    /// sort has a natural direction and this flips it, ties included, so a reversed listing is the forward one
    /// read from the end. A flag rather than `asc|desc`: `price_asc`/`price_desc` already name a direction.
    public var reverse: Bool
    public var cursor: String?
    public var limit: Int?

    public init(q: String? = nil, category: String? = nil, minPrice: Int64? = nil, maxPrice: Int64? = nil,
                sort: ListingSort? = nil, reverse: Bool = false, cursor: String? = nil, limit: Int? = nil) {
        self.q = q
        self.category = category
        self.minPrice = minPrice
        self.maxPrice = maxPrice
        self.sort = sort
        self.reverse = reverse
        self.cursor = cursor
        self.limit = limit
    }

    public static let maxLimit = 100
    /// The longest full-text query the platform answers, in characters (Unicode scalars, as JSON Schema counts).
    public static let maxQueryLength = 256
    public static let defaultLimit = 50

    /// Query items in a stable order, empty values left out.
    public var queryItems: [(String, String)] {
        var items: [(String, String)] = []
        if let q, !q.isEmpty { items.append(("q", q)) }
        if let category, !category.isEmpty { items.append(("category", category)) }
        if let minPrice { items.append(("minPrice", String(minPrice))) }
        if let maxPrice { items.append(("maxPrice", String(maxPrice))) }
        if let sort { items.append(("sort", sort.rawValue)) }
        if reverse { items.append(("reverse", "true")) }
        if let cursor { items.append(("cursor", cursor)) }
        if let limit { items.append(("limit", String(limit))) }
        return items
    }
}

public struct CategoriesResponse: Codable, Sendable, Hashable {
    public var categories: [CategoryCount]
    public init(categories: [CategoryCount]) { self.categories = categories }
}

// MARK: Checkout

/// `POST /api/checkout/create-session` body; send an `Idempotency-Key` header with it.
public struct CreateCheckoutSessionRequest: Codable, Sendable, Hashable {
    public var listingSlug: String
    /// An accepted offer of the caller's on this listing: the checkout is at its agreed price.
    public var offerId: String?
    public init(listingSlug: String, offerId: String? = nil) {
        self.listingSlug = listingSlug
        self.offerId = offerId
    }
}

public struct CheckoutSessionResponse: Codable, Sendable, Hashable {
    public var orderId: String
    public var sessionId: String
    /// The hosted Stripe Checkout page.
    public var checkoutURL: String
    public var amount: Money
    public var platformFee: Money
    public var sellerShare: Money
    public var holdDays: Int
    public var expiresAt: Date
    /// The platform's clock when it answered: the time left is `expiresAt` minus this (the sandbox's clock and this
    /// machine's can be days apart). Absent from older platforms.
    public var now: Date?

    public init(orderId: String, sessionId: String, checkoutURL: String, amount: Money, platformFee: Money,
                sellerShare: Money, holdDays: Int, expiresAt: Date, now: Date? = nil) {
        self.orderId = orderId
        self.sessionId = sessionId
        self.checkoutURL = checkoutURL
        self.amount = amount
        self.platformFee = platformFee
        self.sellerShare = sellerShare
        self.holdDays = holdDays
        self.expiresAt = expiresAt
        self.now = now
    }
}

public struct OrdersResponse: Codable, Sendable, Hashable {
    public var orders: [Order]
    public init(orders: [Order]) { self.orders = orders }
}

// MARK: Deployment

public struct CloudflareCredentials: Codable, Sendable, Hashable {
    public var accountId: String
    /// The buyer's API token (a plain string in JSON). Held in memory for one run; never stored or logged.
    public var apiToken: CloudflareAPIToken

    public init(accountId: String, apiToken: CloudflareAPIToken) {
        self.accountId = accountId
        self.apiToken = apiToken
    }
}

/// `POST /api/deploy`
public struct DeployRequest: Codable, Sendable, Hashable {
    public var orderId: String
    public var cloudflare: CloudflareCredentials
    public var domain: String?

    public init(orderId: String, cloudflare: CloudflareCredentials, domain: String? = nil) {
        self.orderId = orderId
        self.cloudflare = cloudflare
        self.domain = domain
    }
}

/// `POST /api/deploy/{id}/retry` and `/rollback`: the token again.
public struct DeployCredentialsRequest: Codable, Sendable, Hashable {
    public var cloudflare: CloudflareCredentials
    /// Retry only: a corrected custom domain (`""` for workers.dev); absent keeps the deployment's. Accepted
    /// while the deployment holds no custom domain or DNS record it made (roll back first otherwise).
    public var domain: String?
    public init(cloudflare: CloudflareCredentials, domain: String? = nil) {
        self.cloudflare = cloudflare
        self.domain = domain
    }
}

/// 202 answer of deploy, retry and rollback.
public struct DeployAccepted: Codable, Sendable, Hashable {
    public var deploymentId: String
    public var state: DeploymentState

    public init(deploymentId: String, state: DeploymentState) {
        self.deploymentId = deploymentId
        self.state = state
    }
}

/// A secret a deployment generated for the buyer's Worker (an admin password, a signing key), shown to the
/// buyer once by `POST /api/deploy/{id}/secrets` and kept nowhere: not in the database, the events or a log.
public struct GeneratedSecret: Codable, Sendable, Hashable {
    /// The package's Worker (its name in the package, not the namespaced script name).
    public var worker: String
    public var name: String
    public var value: String

    public init(worker: String, name: String, value: String) {
        self.worker = worker
        self.name = name
        self.value = value
    }
}

/// The answer of `POST /api/deploy/{id}/secrets`.
public struct GeneratedSecrets: Codable, Sendable, Hashable {
    public var secrets: [GeneratedSecret]
    /// What to do with them (store them now: they are not shown again).
    public var note: String

    public init(secrets: [GeneratedSecret], note: String) {
        self.secrets = secrets
        self.note = note
    }
}

// MARK: Sellers

public struct SellerAccountStatus: Codable, Sendable, Hashable {
    public var stripeAccountId: String?
    public var detailsSubmitted: Bool
    public var chargesEnabled: Bool
    public var payoutsEnabled: Bool
    /// A fresh onboarding link while onboarding is incomplete.
    public var onboardingURL: String?

    public var onboardingComplete: Bool { detailsSubmitted && chargesEnabled && payoutsEnabled }

    public init(stripeAccountId: String?, detailsSubmitted: Bool, chargesEnabled: Bool, payoutsEnabled: Bool,
                onboardingURL: String? = nil) {
        self.stripeAccountId = stripeAccountId
        self.detailsSubmitted = detailsSubmitted
        self.chargesEnabled = chargesEnabled
        self.payoutsEnabled = payoutsEnabled
        self.onboardingURL = onboardingURL
    }
}

public struct PayoutTotal: Codable, Sendable, Hashable {
    public var state: HoldState
    public var count: Int
    public var amount: Money

    public init(state: HoldState, count: Int, amount: Money) {
        self.state = state
        self.count = count
        self.amount = amount
    }
}

/// `GET /api/seller/payouts`
public struct PayoutsResponse: Codable, Sendable, Hashable {
    public var payouts: [Payout]
    /// One entry per hold state, net amounts.
    public var totals: [PayoutTotal]
    /// The platform's clock when this was answered (the sandbox clock may run ahead of the wall clock).
    public var now: Date

    public init(payouts: [Payout], totals: [PayoutTotal], now: Date) {
        self.payouts = payouts
        self.totals = totals
        self.now = now
    }
}

/// The listing text and metrics a seller publishes with a bundle (`POST /api/seller/listings`).
public struct PublishListingRequest: Codable, Sendable, Hashable {
    public var title: String
    public var tagline: String
    public var description: String
    public var category: String
    public var askingPrice: Money
    public var monthlyRevenue: Money
    public var monthlyProfit: Money
    public var ageMonths: Int
    public var techStack: [String]
    public var monthlyVisitors: Int
    /// Monthly figures, oldest first, at most 36 months (`ListingHistory`); absent keeps the package's (its
    /// manifest's `history`) or, on an update, the listing's.
    public var history: [MonthlyFigures]?

    public init(title: String, tagline: String, description: String, category: String, askingPrice: Money,
                monthlyRevenue: Money, monthlyProfit: Money, ageMonths: Int, techStack: [String], monthlyVisitors: Int,
                history: [MonthlyFigures]? = nil) {
        self.history = history
        self.title = title
        self.tagline = tagline
        self.description = description
        self.category = category
        self.askingPrice = askingPrice
        self.monthlyRevenue = monthlyRevenue
        self.monthlyProfit = monthlyProfit
        self.ageMonths = ageMonths
        self.techStack = techStack
        self.monthlyVisitors = monthlyVisitors
    }
}

// MARK: Sandbox

/// `GET /api/sandbox/clock` and `POST /api/sandbox/advance` (only when the platform runs in sandbox mode).
public struct SandboxClockResponse: Codable, Sendable, Hashable {
    public var now: Date
    /// How far the sandbox clock runs ahead of the wall clock, in seconds.
    public var offsetSeconds: Double

    public init(now: Date, offsetSeconds: Double) {
        self.now = now
        self.offsetSeconds = offsetSeconds
    }
}

public struct SandboxAdvanceRequest: Codable, Sendable, Hashable {
    public var seconds: Double
    public init(seconds: Double) { self.seconds = seconds }
}

/// `POST /api/sandbox/pay` (sandbox only): pay an order's checkout session with the test card,
/// as the hosted page's button does.
public struct SandboxPayRequest: Codable, Sendable, Hashable {
    public var orderId: String
    public init(orderId: String) { self.orderId = orderId }
}
