import Foundation
import Hummingbird
import TechFlunkyCore

/// `/api/offers`: make an offer, list the caller's (made and received), read one, and answer one (accept, decline,
/// counter, withdraw). Someone else's offer is 404. An accepted offer opens a checkout at its price through
/// `POST /api/checkout/create-session` with `offerId` (`agreedPrice`).
enum OfferRoutes {
    static func register(on api: some RouterMethods<PlatformRequestContext>, services: PlatformServices) {
        api.get("offers") { _, context -> OffersResponse in
            let account = try context.requireAccount()
            let now = services.clock.now()
            let offers = try await services.deals.offers(accountId: account.id)
            return OffersResponse(offers: offers.compactMap { o in o.role(of: account.id).map { o.wire(for: $0, now: now) } }, now: now)
        }

        api.post("offers") { request, context -> EditedResponse<Offer> in
            let account = try context.requireAccount()
            let body = try await request.decodeJSON(MakeOfferRequest.self, context: context)
            let listing = try await forSale(body.listingSlug, services: services, field: "listingSlug")
            guard listing.sellerId != account.id else {
                throw PlatformError.conflict("this is your own listing; you cannot make an offer on it", code: APIErrorCode.ownListing, field: "listingSlug")
            }
            guard try await !services.orders.ownsListing(buyerId: account.id, listingId: listing.id) else {
                throw PlatformError.conflict("you already own this business; see it under your orders", code: APIErrorCode.alreadyOwned, field: "listingSlug")
            }
            if var refusal = DealRules.checkAmount(body.amount, askingPrice: listing.askingPrice) {
                if refusal.code == APIErrorCode.offerAtOrAbovePrice { refusal.message += "; to pay that, buy it (techflunky buy \(listing.slug))" }
                throw PlatformError(refusal)
            }
            let seconds = try expiry(body.expiresInSeconds)
            try check(message: body.message)
            let now = services.clock.now()
            let id = PlatformID.make("off")
            let offer = NewOffer(id: id, threadId: id, listingId: listing.id, buyerId: account.id, sellerId: listing.sellerId, amount: body.amount,
                                 from: .buyer, message: body.message, createdAt: StoredTime.decode(StoredTime.encode(now)),
                                 expiresAt: StoredTime.decode(StoredTime.encode(now.addingTimeInterval(TimeInterval(seconds)))))
            if let blocking = try await services.deals.insertFirstOffer(offer, now: now) {
                let what = blocking.state(now: now) == .accepted
                    ? "an accepted offer (\(blocking.id)) at \(blocking.amount.formatted) on this listing: check out with it (techflunky buy \(blocking.listingSlug) --offer \(blocking.id))"
                    : "an open offer (\(blocking.id)) on this listing: wait for the answer, or withdraw it (techflunky offer withdraw \(blocking.id))"
                throw PlatformError.conflict("you already have " + what, code: APIErrorCode.offerOpen)
            }
            services.logger.info("offer made", metadata: ["offer": "\(id)", "listing": "\(listing.slug)", "amount": "\(body.amount.minorUnits)"])
            return EditedResponse(status: .created, response: try await yours(id, account: account, services: services))
        }

        api.get("offers/:id") { _, context -> Offer in
            let account = try context.requireAccount()
            return try await yours(try context.parameters.require("id"), account: account, services: services)
        }

        for answer in [DealRules.Answer.accept, .decline, .withdraw] {
            api.post(RouterPath("offers/:id/\(answer.rawValue)")) { _, context -> Offer in
                let account = try context.requireAccount()
                let id = try context.parameters.require("id")
                return try await respond(id, with: answer, counter: nil, account: account, services: services).answered
            }
        }

        api.post("offers/:id/counter") { request, context -> EditedResponse<Offer> in
            let account = try context.requireAccount()
            let id = try context.parameters.require("id")
            let body = try await request.decodeJSON(CounterOfferRequest.self, context: context)
            let counter = try await respond(id, with: .counter, counter: body, account: account, services: services).counter
            return EditedResponse(status: .created, response: try made(counter))
        }
    }

    /// The counter offer a counter answer writes (its absence would be a bug: an internal error, not a crash).
    private static func made(_ offer: Offer?) throws -> Offer {
        guard let offer else { throw PlatformError.internal() }
        return offer
    }

    /// An active listing by slug, or the refusal a person can act on.
    static func forSale(_ slug: String, services: PlatformServices, field: String) async throws -> ListingForSale {
        guard let listing = try await services.catalog.listingForSale(slug: slug), listing.status != .withdrawn else {
            throw PlatformError.notFound("no listing `\(slug)`")
        }
        guard listing.status == .active else {
            throw PlatformError.conflict("`\(listing.slug)` is no longer for sale (\(listing.status.rawValue))", code: APIErrorCode.listingNotForSale, field: field)
        }
        return listing
    }

    static func expiry(_ seconds: Int?) throws -> Int {
        switch DealRules.expiry(seconds) {
        case let .success(value): return value
        case let .failure(refusal): throw PlatformError(refusal)
        }
    }

    static func check(message: String?) throws {
        guard let message else { return }
        if let refusal = DealRules.checkText(message, field: "message", max: DealRules.maxMessageLength, what: "the message") {
            throw PlatformError(refusal)
        }
    }

    /// The caller's view of one offer, or 404 when it is not theirs.
    static func yours(_ id: String, account: Account, services: PlatformServices) async throws -> Offer {
        guard let offer = try await services.deals.offer(id: id), let role = offer.role(of: account.id) else {
            throw PlatformError.notFound("no offer `\(id)` of yours")
        }
        return offer.wire(for: role, now: services.clock.now())
    }

    /// Answers an offer: whose turn it is and whether it is still open are checked by `DealRules`, and again in the
    /// store's transaction (an answer that raced another, or the expiry, is refused the same way).
    static func respond(_ id: String, with answer: DealRules.Answer, counter body: CounterOfferRequest?, account: Account,
                        services: PlatformServices) async throws -> (answered: Offer, counter: Offer?) {
        guard let offer = try await services.deals.offer(id: id), let role = offer.role(of: account.id) else {
            throw PlatformError.notFound("no offer `\(id)` of yours")
        }
        let now = services.clock.now()
        if let refusal = DealRules.check(answer, stored: offer.storedState, from: offer.from, expiresAt: offer.expiresAt, actor: role, now: now) {
            throw PlatformError(refusal)
        }
        if answer == .accept || answer == .counter, offer.listingStatus != .active {
            throw PlatformError.conflict("`\(offer.listingSlug)` is no longer for sale (\(offer.listingStatus.rawValue))", code: APIErrorCode.listingNotForSale)
        }
        var newOffer: NewOffer?
        if answer == .counter, let body {
            if let refusal = DealRules.checkAmount(body.amount, askingPrice: offer.askingPrice) { throw PlatformError(refusal) }
            guard body.amount != offer.amount else {
                throw PlatformError.validation("a counter offer needs another amount than \(offer.amount.formatted); to agree on it, accept it", field: "amount")
            }
            let seconds = try expiry(body.expiresInSeconds)
            try check(message: body.message)
            let created = StoredTime.decode(StoredTime.encode(now))
            newOffer = NewOffer(id: PlatformID.make("off"), threadId: offer.threadId, listingId: offer.listingId, buyerId: offer.buyerId,
                                sellerId: offer.sellerId, amount: body.amount, from: role, message: body.message, createdAt: created,
                                expiresAt: created.addingTimeInterval(TimeInterval(seconds)), previousOfferId: offer.id)
        }
        let state: OfferState = switch answer {
        case .accept: .accepted
        case .decline: .declined
        case .counter: .countered
        case .withdraw: .withdrawn
        }
        guard try await services.deals.answer(offerId: offer.id, state: state, counter: newOffer, now: now) else {
            // Answered (or expired) meanwhile: say what it is now.
            let current = try await services.deals.offer(id: offer.id)
            let refusal = current.flatMap {
                DealRules.check(answer, stored: $0.storedState, from: $0.from, expiresAt: $0.expiresAt, actor: role, now: now)
            } ?? DealRules.Refusal(code: APIErrorCode.offerClosed, message: "this offer was answered meanwhile")
            throw PlatformError(refusal)
        }
        guard let answered = try await services.deals.offer(id: offer.id) else { throw PlatformError.internal() }
        let counter = try await newOffer.asyncMap { try await services.deals.offer(id: $0.id) } ?? nil
        await DealEvents.offerAnswered(answered, with: answer, by: role, counter: counter, services: services)
        return (answered.wire(for: role, now: now), counter?.wire(for: role, now: now))
    }

    /// The price of a checkout from `offerId`: the caller's accepted offer on `listing`. Refusals say what to do.
    static func agreedPrice(offerId: String, listing: ListingForSale, buyer: Account, services: PlatformServices) async throws -> Money {
        guard let offer = try await services.deals.offer(id: offerId), offer.buyerId == buyer.id else {
            throw PlatformError.notFound("no offer `\(offerId)` of yours")
        }
        guard offer.listingId == listing.id else {
            throw PlatformError.validation("offer `\(offerId)` is for `\(offer.listingSlug)`, not `\(listing.slug)`", field: "offerId")
        }
        let state = offer.state(now: services.clock.now())
        guard state == .accepted else {
            let next = state == .open ? "wait for the seller's answer" : "make a new offer or buy at the asking price"
            throw PlatformError.conflict("offer `\(offerId)` is \(state.rawValue), not accepted: \(next)", code: APIErrorCode.offerNotAccepted,
                                         field: "offerId")
        }
        return offer.amount
    }
}

extension Optional {
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
