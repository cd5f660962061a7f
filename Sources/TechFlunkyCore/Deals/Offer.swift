import Foundation

// Offers: a buyer proposes a price below the asking price, with an expiry on the platform's clock; the seller
// accepts, declines or counters, and so on in turn. The offers of one buyer on one listing form a thread in which
// at most one offer is open at a time. An accepted offer opens a checkout at the agreed price
// (`CreateCheckoutSessionRequest.offerId`).

/// Who made an offer, or the caller's side of it.
public enum OfferParty: String, Codable, Sendable, CaseIterable {
    case buyer, seller
}

/// Where an offer stands. Only `open` can change; an open offer whose `expiresAt` has passed reads `expired`.
public enum OfferState: String, Codable, Sendable, CaseIterable {
    /// Waiting for the other side's answer.
    case open
    /// Answered with a counter offer (the next offer of the thread).
    case countered
    /// Agreed: the buyer can check out at `amount`.
    case accepted
    case declined
    /// Taken back by the side that made it, before an answer.
    case withdrawn
    /// Not answered before `expiresAt`.
    case expired
}

/// One offer of a thread, as the caller sees it (`yourRole`).
public struct Offer: Codable, Sendable, Hashable {
    public var id: String
    /// The thread: the first offer's id; every counter offer carries it.
    public var threadId: String
    public var listingSlug: String
    public var listingTitle: String
    public var askingPrice: Money
    public var buyerName: String
    public var sellerName: String
    public var amount: Money
    /// Who made this offer.
    public var from: OfferParty
    public var state: OfferState
    /// A note with the offer (plain text; shown through the terminal sanitiser).
    public var message: String?
    public var createdAt: Date
    public var expiresAt: Date
    /// When it was accepted, declined, countered or withdrawn.
    public var respondedAt: Date?
    /// The offer this one counters.
    public var previousOfferId: String?
    /// The order of the checkout opened from this (accepted) offer, once there is one.
    public var orderId: String?
    /// The caller's side of the thread.
    public var yourRole: OfferParty

    public init(id: String, threadId: String, listingSlug: String, listingTitle: String, askingPrice: Money, buyerName: String,
                sellerName: String, amount: Money, from: OfferParty, state: OfferState, message: String? = nil, createdAt: Date,
                expiresAt: Date, respondedAt: Date? = nil, previousOfferId: String? = nil, orderId: String? = nil, yourRole: OfferParty) {
        self.id = id
        self.threadId = threadId
        self.listingSlug = listingSlug
        self.listingTitle = listingTitle
        self.askingPrice = askingPrice
        self.buyerName = buyerName
        self.sellerName = sellerName
        self.amount = amount
        self.from = from
        self.state = state
        self.message = message
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.respondedAt = respondedAt
        self.previousOfferId = previousOfferId
        self.orderId = orderId
        self.yourRole = yourRole
    }

    /// An open offer the caller has to answer (the other side made it).
    public var awaitsYou: Bool { state == .open && from != yourRole }
    /// An accepted offer the caller (the buyer) can check out at the agreed price.
    public var canCheckOut: Bool { state == .accepted && yourRole == .buyer }
}

/// `GET /api/offers`: every offer the caller made or received, newest first, and the platform's clock (expiry
/// counts on it; the sandbox's clock can be days from this machine's).
public struct OffersResponse: Codable, Sendable, Hashable {
    public var offers: [Offer]
    public var now: Date

    public init(offers: [Offer], now: Date) {
        self.offers = offers
        self.now = now
    }

    /// The newest offer of each thread, newest thread first: what an inbox lists.
    public var latestPerThread: [Offer] {
        // A thread is a chain (each counter names the offer it answers): its latest offer is the one nothing answers.
        // The chain, not the time, decides: a counter made in the same millisecond is still the later one.
        // A thread holds a new chain when a buyer offers again after one ended; then the newest chain's end.
        let answered = Set(offers.compactMap(\.previousOfferId))
        var seen = Set<String>()
        return offers.filter { !answered.contains($0.id) }.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
            .filter { seen.insert($0.threadId).inserted }
    }

    /// A thread's offers, oldest first (in the order of the chain; offers of the thread outside it, by time).
    public func thread(_ threadId: String) -> [Offer] {
        let members = offers.filter { $0.threadId == threadId }
        var byPrevious: [String: Offer] = [:]
        for offer in members { if let previous = offer.previousOfferId { byPrevious[previous] = offer } }
        let answeredIds = Set(members.compactMap(\.previousOfferId))
        let starts = members.filter { $0.previousOfferId == nil }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        var ordered: [Offer] = []
        var placed = Set<String>()
        for start in starts {
            var current: Offer? = start
            while let offer = current, placed.insert(offer.id).inserted {
                ordered.append(offer)
                current = answeredIds.contains(offer.id) ? byPrevious[offer.id] : nil
            }
        }
        ordered += members.filter { !placed.contains($0.id) }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        return ordered
    }
}

/// `POST /api/offers`: a buyer's offer on a listing.
public struct MakeOfferRequest: Codable, Sendable, Hashable {
    public var listingSlug: String
    public var amount: Money
    /// How long the seller has to answer (default 7 days; 1 hour to 30 days), counted on the platform's clock.
    public var expiresInSeconds: Int?
    public var message: String?

    public init(listingSlug: String, amount: Money, expiresInSeconds: Int? = nil, message: String? = nil) {
        self.listingSlug = listingSlug
        self.amount = amount
        self.expiresInSeconds = expiresInSeconds
        self.message = message
    }
}

/// `POST /api/offers/{id}/counter`: the answer is another price (below the asking price).
public struct CounterOfferRequest: Codable, Sendable, Hashable {
    public var amount: Money
    public var expiresInSeconds: Int?
    public var message: String?

    public init(amount: Money, expiresInSeconds: Int? = nil, message: String? = nil) {
        self.amount = amount
        self.expiresInSeconds = expiresInSeconds
        self.message = message
    }
}
