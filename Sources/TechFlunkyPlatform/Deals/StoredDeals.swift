import Foundation
import GRDB
import TechFlunkyCore

/// An offer as stored, with the listing and the two names joined in; `wire(for:now:)` is what one side sees.
public struct StoredOffer: Sendable, Hashable {
    public var id: String
    public var threadId: String
    public var listingId: String
    public var listingSlug: String
    public var listingTitle: String
    public var askingPrice: Money
    public var listingStatus: ListingStatus
    public var buyerId: String
    public var buyerName: String
    public var sellerId: String
    public var sellerName: String
    public var amount: Money
    public var from: OfferParty
    /// As written; `state(now:)` turns an open offer past its expiry into `expired`.
    public var storedState: OfferState
    public var message: String?
    public var createdAt: Date
    public var expiresAt: Date
    public var respondedAt: Date?
    public var previousOfferId: String?
    public var orderId: String?

    public func state(now: Date) -> OfferState { DealRules.state(storedState, expiresAt: expiresAt, now: now) }

    /// The caller's side, or nil when the offer is none of theirs.
    public func role(of accountId: String) -> OfferParty? {
        if accountId == buyerId { return .buyer }
        if accountId == sellerId { return .seller }
        return nil
    }

    public func wire(for role: OfferParty, now: Date) -> Offer {
        Offer(id: id, threadId: threadId, listingSlug: listingSlug, listingTitle: listingTitle, askingPrice: askingPrice, buyerName: buyerName,
              sellerName: sellerName, amount: amount, from: from, state: state(now: now), message: message, createdAt: createdAt,
              expiresAt: expiresAt, respondedAt: respondedAt, previousOfferId: previousOfferId, orderId: orderId, yourRole: role)
    }

    /// The columns the store selects (`SQLiteDealStore.offerSelect`).
    init(row: Row) {
        let currency = Currency(code: row["currency"])
        id = row["id"]
        threadId = row["thread_id"]
        listingId = row["listing_id"]
        listingSlug = row["listing_slug"]
        listingTitle = row["listing_title"]
        askingPrice = Money(minorUnits: row["listing_price"], currency: Currency(code: row["listing_currency"]))
        listingStatus = ListingStatus(rawValue: row["listing_status"]) ?? .withdrawn
        buyerId = row["buyer_id"]
        buyerName = row["buyer_name"]
        sellerId = row["seller_id"]
        sellerName = row["seller_name"]
        amount = Money(minorUnits: row["amount"], currency: currency)
        from = OfferParty(rawValue: row["from_party"]) ?? .buyer
        storedState = OfferState(rawValue: row["state"]) ?? .declined
        message = row["message"]
        createdAt = StoredTime.decode(row["created_at"] as Int64)
        expiresAt = StoredTime.decode(row["expires_at"] as Int64)
        respondedAt = StoredTime.decode(row["responded_at"] as Int64?)
        previousOfferId = row["previous_offer_id"]
        orderId = row["order_id"]
    }
}

/// A new offer (or counter offer) to write.
public struct NewOffer: Sendable, Hashable {
    public var id: String
    public var threadId: String
    public var listingId: String
    public var buyerId: String
    public var sellerId: String
    public var amount: Money
    public var from: OfferParty
    public var message: String?
    public var createdAt: Date
    public var expiresAt: Date
    public var previousOfferId: String?
}

/// A question as stored, with its listing joined in; `wire(for:)` is what a caller sees.
public struct StoredQuestion: Sendable, Hashable {
    public var id: String
    public var listingId: String
    public var listingSlug: String
    public var listingTitle: String
    public var askerId: String
    public var sellerId: String
    public var text: String
    public var askedAt: Date
    public var answer: String?
    public var answeredAt: Date?
    public var publishedAt: Date?

    /// Who may see it: everyone once published and answered; the asker and the seller always.
    public func visible(to accountId: String?) -> Bool {
        (publishedAt != nil && answer != nil) || accountId == askerId || accountId == sellerId
    }

    public func wire(for accountId: String?) -> Question {
        Question(id: id, listingSlug: listingSlug, listingTitle: listingTitle, text: text, askedAt: askedAt, answer: answer,
                 answeredAt: answeredAt, published: publishedAt != nil && answer != nil, publishedAt: answer == nil ? nil : publishedAt,
                 askedByYou: accountId == askerId, yourListing: accountId == sellerId)
    }

    init(row: Row) {
        id = row["id"]
        listingId = row["listing_id"]
        listingSlug = row["listing_slug"]
        listingTitle = row["listing_title"]
        askerId = row["asker_id"]
        sellerId = row["seller_id"]
        text = row["text"]
        askedAt = StoredTime.decode(row["asked_at"] as Int64)
        answer = row["answer"]
        answeredAt = StoredTime.decode(row["answered_at"] as Int64?)
        publishedAt = StoredTime.decode(row["published_at"] as Int64?)
    }
}
