import Crypto
import Foundation
import Hummingbird
import TechFlunkyCore

/// `POST /api/checkout/create-session` (with `Idempotency-Key`), and the plain pages Stripe sends buyers back to.
enum CheckoutRoutes {
    static let idempotencyLifetime: TimeInterval = 24 * 3600
    /// How long a listing is held while Stripe creates the checkout session (then: the session's lifetime).
    static let provisionalHold: TimeInterval = 10 * 60

    static func register(on api: some RouterMethods<PlatformRequestContext>, root: some RouterMethods<PlatformRequestContext>, services: PlatformServices) {
        api.post("checkout/create-session") { request, context -> Response in
            let account = try context.requireAccount()
            let raw = try await request.body.collect(upTo: 64 * 1024)
            guard raw.readableBytes > 0 else { throw PlatformError.badRequest("the request body is empty; send {\"listingSlug\": …}") }
            let body = try WireJSON.decode(CreateCheckoutSessionRequest.self, from: Data(raw.readableBytesView))
            let key = request.headers[values: HTTPFields.Element.Name("Idempotency-Key")!].first
            if let key, key.isEmpty || key.count > 255 {
                throw PlatformError.badRequest("Idempotency-Key must be 1 to 255 characters", field: "Idempotency-Key")
            }
            let baseURL = services.configuration.publicBaseURL ?? "\(services.configuration.tls == nil ? "http" : "https")://\(request.head.authority ?? "\(services.configuration.host):\(services.configuration.port)")"
            guard let key else {
                return try await createSession(body, account: account, baseURL: baseURL, services: services).response(from: request, context: context)
            }
            // "Same body" means the same request: compared on its canonical encoding, so key order and spacing do not matter.
            let hash = SHA256.hash(data: try WireJSON.encode(body)).map { String(format: "%02x", $0) }.joined()
            switch try await services.orders.claimIdempotencyKey(accountId: account.id, key: key, requestHash: hash, now: services.clock.now(),
                                                                 lifetime: idempotencyLifetime) {
            case let .replay(status, data):
                // The first answer's bytes, as they were sent.
                var response = WireResponseEncoder.response(json: ByteBuffer(bytes: data), status: .init(code: status))
                response.headers[HTTPFields.Element.Name("Idempotent-Replayed")!] = "true"
                return response
            case .mismatch:
                throw PlatformError(.unprocessableContent, code: APIErrorCode.idempotencyMismatch,
                                    message: "this Idempotency-Key was already used with another request body; use a new key for a new request",
                                    field: "Idempotency-Key")
            case .inProgress:
                throw PlatformError.conflict("a request with this Idempotency-Key is still being processed; try again in a moment", field: "Idempotency-Key")
            case .claimed:
                do {
                    let result = try await createSession(body, account: account, baseURL: baseURL, services: services)
                    let data = try WireJSON.encode(result)
                    try await services.orders.completeIdempotentRequest(accountId: account.id, key: key, status: 200, body: data)
                    return try result.response(from: request, context: context)
                } catch {
                    try? await services.orders.releaseIdempotencyKey(accountId: account.id, key: key)
                    throw error
                }
            }
        }

        root.get("checkout/success") { _, _ in
            page("Payment received. Return to TechFlunky in your terminal: your order updates there within seconds.")
        }
        root.get("checkout/cancel") { _, _ in
            page("Checkout cancelled. Nothing was charged. Return to TechFlunky in your terminal to try again.")
        }
    }

    static func createSession(_ body: CreateCheckoutSessionRequest, account: Account, baseURL: String, services: PlatformServices) async throws -> CheckoutSessionResponse {
        guard let listing = try await services.catalog.listingForSale(slug: body.listingSlug) else {
            throw PlatformError.notFound("no listing `\(body.listingSlug)`")
        }
        // The buyer who owns it hears that first; anyone else, that it is sold.
        if listing.status == .sold, try await services.orders.ownsListing(buyerId: account.id, listingId: listing.id) {
            throw PlatformError.conflict("you already own this business; see it under your orders", code: APIErrorCode.alreadyOwned, field: "listingSlug")
        }
        if listing.status == .sold {
            throw PlatformError.conflict("`\(listing.slug)` has been sold; it is no longer for sale", code: APIErrorCode.listingSold, field: "listingSlug")
        }
        guard listing.status == .active else {
            throw PlatformError.conflict("`\(listing.slug)` is no longer for sale (\(listing.status.rawValue))", field: "listingSlug")
        }
        guard listing.sellerId != account.id else {
            throw PlatformError.conflict("this is your own listing; you cannot buy it", code: APIErrorCode.ownListing, field: "listingSlug")
        }
        guard try await !services.orders.ownsListing(buyerId: account.id, listingId: listing.id) else {
            throw PlatformError.conflict("you already own this business; see it under your orders", code: APIErrorCode.alreadyOwned, field: "listingSlug")
        }
        // An accepted offer of the buyer's sets the price (fee and hold are computed from it as from any price).
        var price = listing.askingPrice
        if let offerId = body.offerId {
            price = try await OfferRoutes.agreedPrice(offerId: offerId, listing: listing, buyer: account, services: services)
        }
        // A checkout already open for this listing at this price is handed back rather than a second order (and a
        // second way to pay twice) being made.
        if let open = try await services.orders.openCheckout(buyerId: account.id, listingId: listing.id, now: services.clock.now()),
           let sessionId = open.checkoutSessionId, let url = open.checkoutURL, let expires = open.sessionExpiresAt {
            if open.amount == price {
                return CheckoutSessionResponse(orderId: open.id, sessionId: sessionId, checkoutURL: url, amount: open.amount,
                                               platformFee: open.platformFee, sellerShare: open.sellerShare,
                                               holdDays: services.configuration.feePolicy.holdDays, expiresAt: expires,
                                               now: services.clock.now())
            }
            // The same buyer at another price (an agreed offer, or the asking price after one): two payable sessions
            // for one business would let them pay twice, so the open one stands until it is paid or ends.
            throw PlatformError.conflict(
                "you already have a checkout open for `\(listing.slug)` at \(open.amount.formatted) until \(MarketTime.text(expires)); pay it there (\(url)) or start again once it ends",
                field: "listingSlug")
        }
        let split = try services.configuration.feePolicy.split(price)
        let now = services.clock.now()
        let order = StoredOrder(id: PlatformID.make("ord"), listing: listing, buyerId: account.id, split: split, now: now)
        try await services.orders.insert(order)
        // A business sells once: the listing is held for this order before Stripe is asked, briefly, and then for
        // the session's lifetime. Two buyers at once: one gets the hold, the other the answer below.
        switch try await services.market.reserve(listingId: listing.id, orderId: order.id, buyerId: account.id,
                                                 until: now.addingTimeInterval(provisionalHold), now: now) {
        case .reserved:
            break
        case let .heldByAnother(until):
            try? await services.orders.delete(orderId: order.id)
            throw PlatformError.conflict(
                "`\(listing.slug)` is reserved: another buyer's checkout holds it until \(MarketTime.text(until)). It goes back on sale then if that checkout is not paid; watch it (w) to be told.",
                code: APIErrorCode.listingReserved, field: "listingSlug")
        case .sold:
            try? await services.orders.delete(orderId: order.id)
            throw PlatformError.conflict("`\(listing.slug)` has been sold; it is no longer for sale", code: APIErrorCode.listingSold, field: "listingSlug")
        case .notForSale:
            try? await services.orders.delete(orderId: order.id)
            throw PlatformError.conflict("`\(listing.slug)` is no longer for sale", field: "listingSlug")
        }
        let session: StripeClient.CreatedCheckoutSession
        do {
            session = try await services.stripe.createCheckoutSession(
                orderId: order.id, listingSlug: listing.slug, title: listing.title, amount: split.amount, buyerEmail: account.email,
                successURL: "\(baseURL)/checkout/success?order=\(order.id)", cancelURL: "\(baseURL)/checkout/cancel?order=\(order.id)")
        } catch {
            try? await services.market.releaseReservation(listingId: listing.id, orderId: order.id, now: services.clock.now())
            try? await services.orders.delete(orderId: order.id)
            if let error = error as? StripeError { throw PlatformError.paymentProvider(error.description) }
            throw error
        }
        try await services.orders.attachCheckoutSession(orderId: order.id, sessionId: session.id, url: session.url, expiresAt: session.expiresAt)
        if let offerId = body.offerId { try await services.deals.attachOrder(offerId: offerId, orderId: order.id) }
        _ = try await services.market.reserve(listingId: listing.id, orderId: order.id, buyerId: account.id, until: session.expiresAt,
                                              now: services.clock.now())
        services.metrics.checkoutCreated()
        services.logger.info("checkout session created", metadata: ["order": "\(order.id)", "listing": "\(listing.slug)", "amount": "\(split.amount.minorUnits)"])
        return CheckoutSessionResponse(orderId: order.id, sessionId: session.id, checkoutURL: session.url, amount: split.amount,
                                       platformFee: split.platformFee, sellerShare: split.sellerShare,
                                       holdDays: services.configuration.feePolicy.holdDays, expiresAt: session.expiresAt,
                                       now: services.clock.now())
    }

    static func page(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text + "\n")))
    }
}
