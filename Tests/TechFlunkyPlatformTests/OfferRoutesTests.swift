import Foundation
import Hummingbird
import HummingbirdTesting
import TechFlunkyCore
import TechFlunkyHTTP
import TechFlunkySandbox
import XCTest
@testable import TechFlunkyPlatform

/// Offers through the router: the thread of offer → counter → accept, whose turn it is, expiry on the platform's
/// clock, and every refusal with the code and words a person acts on.
final class OfferRoutesTests: XCTestCase {
    struct People {
        var seller: Account, buyer: Account, other: Account
        var sellerToken: String, buyerToken: String, otherToken: String
    }

    func people(_ services: PlatformServices) async throws -> People {
        let seller = try await CatalogFixtures.seller(services, email: "seller@example.com")
        let buyer = try await CatalogFixtures.seller(services, email: "buyer@example.com")
        let other = try await CatalogFixtures.seller(services, email: "other@example.com")
        try await CatalogFixtures.list(services, slug: "shop", seller: seller, CatalogFixtures.details(title: "Shop", price: 100_000_00))
        return People(seller: seller, buyer: buyer, other: other,
                      sellerToken: try await AccountRoutes.startSession(for: seller, services: services).token,
                      buyerToken: try await AccountRoutes.startSession(for: buyer, services: services).token,
                      otherToken: try await AccountRoutes.startSession(for: other, services: services).token)
    }

    func testOfferCounterAcceptIsOneThreadWithOneOpenOfferAndTurns() async throws {
        try await forEachEngine { harness, services, _ in
            let p = try await people(services)
            try await harness.withRouter(services) { client, _ in
                func post(_ uri: String, _ token: String, _ body: ByteBuffer? = nil) async throws -> TestResponse {
                    try await client.execute(uri: uri, method: .post, headers: bearer(token), body: body)
                }
                // Refusals before anything is made.
                let atPrice = try await post("/api/offers", p.buyerToken, jsonBody(MakeOfferRequest(listingSlug: "shop", amount: .usd(100_000_00))))
                XCTAssertEqual(atPrice.status, .unprocessableContent)
                XCTAssertEqual(atPrice.errorBody?.error.code, APIErrorCode.offerAtOrAbovePrice)
                XCTAssertEqual(atPrice.errorBody?.error.field, "amount")
                XCTAssertTrue(atPrice.errorBody?.error.message.contains("$100,000.00") ?? false, "\(String(describing: atPrice.errorBody))")
                let euros = try await post("/api/offers", p.buyerToken, jsonBody(MakeOfferRequest(listingSlug: "shop", amount: Money(minorUnits: 40_000_00, currency: .eur))))
                XCTAssertEqual(euros.status, .unprocessableContent)
                XCTAssertEqual(euros.errorBody?.error.field, "amount.currency")
                let own = try await post("/api/offers", p.sellerToken, jsonBody(MakeOfferRequest(listingSlug: "shop", amount: .usd(40_000_00))))
                XCTAssertEqual(own.status, .conflict)
                XCTAssertEqual(own.errorBody?.error.code, APIErrorCode.ownListing)
                let nowhere = try await post("/api/offers", p.buyerToken, jsonBody(MakeOfferRequest(listingSlug: "nowhere", amount: .usd(1))))
                XCTAssertEqual(nowhere.status, .notFound)
                let tooShort = try await post("/api/offers", p.buyerToken, jsonBody(MakeOfferRequest(listingSlug: "shop", amount: .usd(1), expiresInSeconds: 60)))
                XCTAssertEqual(tooShort.status, .unprocessableContent)
                XCTAssertEqual(tooShort.errorBody?.error.field, "expiresInSeconds")

                // The buyer's offer.
                let made = try await post("/api/offers", p.buyerToken, jsonBody(MakeOfferRequest(listingSlug: "shop", amount: .usd(40_000_00), message: "Cash, fast close")))
                XCTAssertEqual(made.status, .created)
                let offer = try made.decoded(Offer.self)
                XCTAssertEqual(offer.state, .open)
                XCTAssertEqual(offer.from, .buyer)
                XCTAssertEqual(offer.yourRole, .buyer)
                XCTAssertEqual(offer.threadId, offer.id)
                XCTAssertEqual(offer.askingPrice, .usd(100_000_00))
                XCTAssertEqual(offer.expiresAt.timeIntervalSince(offer.createdAt), TimeInterval(DealRules.defaultExpiry))
                XCTAssertFalse(offer.awaitsYou)

                let second = try await post("/api/offers", p.buyerToken, jsonBody(MakeOfferRequest(listingSlug: "shop", amount: .usd(41_000_00))))
                XCTAssertEqual(second.status, .conflict)
                XCTAssertEqual(second.errorBody?.error.code, APIErrorCode.offerOpen)
                XCTAssertTrue(second.errorBody?.error.message.contains(offer.id) ?? false)
                let selfAccept = try await post("/api/offers/\(offer.id)/accept", p.buyerToken)
                XCTAssertEqual(selfAccept.status, .conflict)
                XCTAssertEqual(selfAccept.errorBody?.error.code, APIErrorCode.notYourTurn)
                // Someone else's offer does not exist for them.
                let awaited1 = try await client.execute(uri: "/api/offers/\(offer.id)", method: .get, headers: bearer(p.otherToken)).status
                XCTAssertEqual(awaited1, .notFound)
                let awaited2 = try await post("/api/offers/\(offer.id)/decline", p.otherToken).status
                XCTAssertEqual(awaited2, .notFound)
                let othersList = try await client.execute(uri: "/api/offers", method: .get, headers: bearer(p.otherToken)).decoded(OffersResponse.self)
                XCTAssertTrue(othersList.offers.isEmpty)

                // The seller sees it as received and waiting for them; counters.
                let inbox = try await client.execute(uri: "/api/offers", method: .get, headers: bearer(p.sellerToken)).decoded(OffersResponse.self)
                XCTAssertEqual(inbox.offers.map(\.id), [offer.id])
                XCTAssertEqual(inbox.offers.first?.yourRole, .seller)
                XCTAssertEqual(inbox.offers.first?.awaitsYou, true)
                XCTAssertEqual(inbox.offers.first?.message, "Cash, fast close")
                let sameAmount = try await post("/api/offers/\(offer.id)/counter", p.sellerToken, jsonBody(CounterOfferRequest(amount: .usd(40_000_00))))
                XCTAssertEqual(sameAmount.status, .unprocessableContent)
                let countered = try await post("/api/offers/\(offer.id)/counter", p.sellerToken, jsonBody(CounterOfferRequest(amount: .usd(45_000_00), expiresInSeconds: 86_400)))
                XCTAssertEqual(countered.status, .created)
                let counter = try countered.decoded(Offer.self)
                XCTAssertEqual(counter.from, .seller)
                XCTAssertEqual(counter.previousOfferId, offer.id)
                XCTAssertEqual(counter.threadId, offer.id)
                XCTAssertEqual(counter.amount, .usd(45_000_00))
                XCTAssertEqual(counter.expiresAt.timeIntervalSince(counter.createdAt), 86_400)
                let original = try await client.execute(uri: "/api/offers/\(offer.id)", method: .get, headers: bearer(p.buyerToken)).decoded(Offer.self)
                XCTAssertEqual(original.state, .countered)
                XCTAssertNotNil(original.respondedAt)
                let late = try await post("/api/offers/\(offer.id)/accept", p.sellerToken)
                XCTAssertEqual(late.status, .conflict)
                XCTAssertEqual(late.errorBody?.error.code, APIErrorCode.offerClosed)
                let sellerOwnAccept = try await post("/api/offers/\(counter.id)/accept", p.sellerToken)
                XCTAssertEqual(sellerOwnAccept.errorBody?.error.code, APIErrorCode.notYourTurn)

                // The buyer accepts the counter: agreed at $45,000.
                let buyerView = try await client.execute(uri: "/api/offers", method: .get, headers: bearer(p.buyerToken)).decoded(OffersResponse.self)
                XCTAssertEqual(buyerView.latestPerThread.map(\.id), [counter.id])
                XCTAssertEqual(buyerView.thread(offer.id).map(\.id), [offer.id, counter.id])
                XCTAssertEqual(buyerView.latestPerThread.first?.awaitsYou, true)
                let accepted = try await post("/api/offers/\(counter.id)/accept", p.buyerToken)
                XCTAssertEqual(accepted.status, .ok)
                let agreed = try accepted.decoded(Offer.self)
                XCTAssertEqual(agreed.state, .accepted)
                XCTAssertTrue(agreed.canCheckOut)
                // Each answer reached the other side of the thread as a notification.
                func notified(_ token: String) async throws -> [MarketNotification] {
                    try await client.execute(uri: "/api/notifications", method: .get, headers: bearer(token)).decoded(NotificationsResponse.self)
                        .notifications.filter { $0.kind == .offerAnswered }
                }
                let toBuyer = try await notified(p.buyerToken)
                XCTAssertEqual(toBuyer.map(\.referenceId), [counter.id])
                XCTAssertEqual(toBuyer.first?.message, "The seller countered with $45,000.00 for Shop")
                XCTAssertEqual(toBuyer.first?.listingSlug, "shop")
                let toSeller = try await notified(p.sellerToken)
                XCTAssertEqual(toSeller.map(\.message), ["The buyer accepted the offer of $45,000.00 for Shop"])
                let toOther = try await notified(p.otherToken)
                XCTAssertTrue(toOther.isEmpty)
                let again = try await post("/api/offers", p.buyerToken, jsonBody(MakeOfferRequest(listingSlug: "shop", amount: .usd(30_000_00))))
                XCTAssertEqual(again.errorBody?.error.code, APIErrorCode.offerOpen)
                XCTAssertTrue(again.errorBody?.error.message.contains("--offer \(counter.id)") ?? false)

                // Only that buyer can check out with it; an offer that is not accepted opens no checkout.
                let stolen = try await post("/api/checkout/create-session", p.otherToken, jsonBody(CreateCheckoutSessionRequest(listingSlug: "shop", offerId: counter.id)))
                XCTAssertEqual(stolen.status, .notFound)
                let notAccepted = try await post("/api/checkout/create-session", p.buyerToken, jsonBody(CreateCheckoutSessionRequest(listingSlug: "shop", offerId: offer.id)))
                XCTAssertEqual(notAccepted.status, .conflict)
                XCTAssertEqual(notAccepted.errorBody?.error.code, APIErrorCode.offerNotAccepted)
            }
        }
    }

    func testAnOfferExpiresOnThePlatformClockAndANewOneJoinsTheThread() async throws {
        try await forEachEngine { harness, services, _ in
            let p = try await people(services)
            try await harness.withRouter(services) { client, _ in
                let made = try await client.execute(uri: "/api/offers", method: .post, headers: bearer(p.buyerToken),
                                                    body: jsonBody(MakeOfferRequest(listingSlug: "shop", amount: .usd(50_000_00), expiresInSeconds: 3_600)))
                let offer = try made.decoded(Offer.self)
                harness.clock.advance(by: 3_599)
                let awaited3 = try await client.execute(uri: "/api/offers/\(offer.id)", method: .get, headers: bearer(p.sellerToken)).decoded(Offer.self).state
                XCTAssertEqual(awaited3, .open)
                harness.clock.advance(by: 1)
                let list = try await client.execute(uri: "/api/offers", method: .get, headers: bearer(p.sellerToken)).decoded(OffersResponse.self)
                XCTAssertEqual(list.offers.first?.state, .expired)
                XCTAssertEqual(list.now, harness.clock.now())
                let accept = try await client.execute(uri: "/api/offers/\(offer.id)/accept", method: .post, headers: bearer(p.sellerToken))
                XCTAssertEqual(accept.status, .conflict)
                XCTAssertEqual(accept.errorBody?.error.code, APIErrorCode.offerExpired)
                let fresh = try await client.execute(uri: "/api/offers", method: .post, headers: bearer(p.buyerToken),
                                                     body: jsonBody(MakeOfferRequest(listingSlug: "shop", amount: .usd(55_000_00))))
                XCTAssertEqual(fresh.status, .created)
                XCTAssertEqual(try fresh.decoded(Offer.self).threadId, offer.id)
                // The buyer withdraws it; the seller cannot withdraw the buyer's offer.
                let newId = try fresh.decoded(Offer.self).id
                let sellerWithdraw = try await client.execute(uri: "/api/offers/\(newId)/withdraw", method: .post, headers: bearer(p.sellerToken))
                XCTAssertEqual(sellerWithdraw.errorBody?.error.code, APIErrorCode.notYourTurn)
                let withdrawn = try await client.execute(uri: "/api/offers/\(newId)/withdraw", method: .post, headers: bearer(p.buyerToken))
                XCTAssertEqual(try withdrawn.decoded(Offer.self).state, .withdrawn)
            }
        }
    }

    func testAnOfferOnAListingNoLongerForSaleCannotBeAccepted() async throws {
        try await forEachEngine { harness, services, _ in
            let p = try await people(services)
            try await harness.withRouter(services) { client, _ in
                let offer = try await client.execute(uri: "/api/offers", method: .post, headers: bearer(p.buyerToken),
                                                     body: jsonBody(MakeOfferRequest(listingSlug: "shop", amount: .usd(50_000_00)))).decoded(Offer.self)
                let awaited4 = try await services.catalog.withdraw(slug: "shop", sellerId: p.seller.id, now: services.clock.now())
                XCTAssertTrue(awaited4)
                let accept = try await client.execute(uri: "/api/offers/\(offer.id)/accept", method: .post, headers: bearer(p.sellerToken))
                XCTAssertEqual(accept.status, .conflict)
                XCTAssertEqual(accept.errorBody?.error.code, APIErrorCode.listingNotForSale)
                let make = try await client.execute(uri: "/api/offers", method: .post, headers: bearer(p.otherToken),
                                                    body: jsonBody(MakeOfferRequest(listingSlug: "shop", amount: .usd(50_000_00))))
                XCTAssertEqual(make.status, .notFound)
                // Declining stays possible: it changes nothing about the listing.
                let decline = try await client.execute(uri: "/api/offers/\(offer.id)/decline", method: .post, headers: bearer(p.sellerToken))
                XCTAssertEqual(try decline.decoded(Offer.self).state, .declined)
            }
        }
    }

    /// Over real HTTP with the Stripe stand-in: the accepted counter offer's checkout is at the agreed price, with the
    /// fee and the hold computed from it, and the sandbox's pay route pays it.
    func testAnAcceptedOfferChecksOutAtTheAgreedPriceWithFeeAndHold() async throws {
        try await forEachServerEngine { engine in
            var harness = try PlatformTestHarness()
            defer { harness.cleanUp() }
            let clock = MovableClock()
            let sandbox = try await SandboxServer.start(SandboxConfiguration(
                dataDir: harness.directory.appendingPathComponent("sandbox"), stripeWebhookSecret: "whsec_test_secret",
                stripeSecretKey: "sk_test_platform", clock: MovableClock(following: clock)))
            harness.configuration.clock = clock
            harness.configuration.stripeAPIBase = sandbox.stripeAPIBase
            harness.configuration.stripeSecretKey = "sk_test_platform"
            harness.configuration.httpTransport = CurlHTTPClient()
            try await harness.use(engine)
            let platform = try await PlatformServer.start(harness.configuration)
            XCTAssertEqual(platform.services.postgres != nil, engine == .postgres, "the platform runs on the engine asked for")
            await sandbox.setStripeWebhook(url: platform.baseURL + "/api/checkout/webhook", secret: "whsec_test_secret")
            let live = PurchaseFlowTests.Live(harness: harness, sandbox: sandbox, platform: platform)
            do {

                let seller = try await live.signUp("seller@example.com")
                let buyer = try await live.signUp("buyer@example.com")
                try await CatalogFixtures.list(platform.services, slug: "shop", seller: seller.account, CatalogFixtures.details(title: "Shop", price: 100_000_00))
                let offer = try WireJSON.decode(Offer.self, from: try await live.call(.POST, "/api/offers", token: buyer.token,
                                                                                      json: #"{"listingSlug":"shop","amount":{"amount":4000000,"currency":"USD"}}"#).body)
                let counter = try WireJSON.decode(Offer.self, from: try await live.call(.POST, "/api/offers/\(offer.id)/counter", token: seller.token,
                                                                                        json: #"{"amount":{"amount":4500000,"currency":"USD"}}"#).body)
                let accepted = try await live.call(.POST, "/api/offers/\(counter.id)/accept", token: buyer.token)
                XCTAssertEqual(accepted.status, 200, String(decoding: accepted.body, as: UTF8.self))

                let created = try await live.call(.POST, "/api/checkout/create-session", token: buyer.token,
                                                  json: #"{"listingSlug":"shop","offerId":"\#(counter.id)"}"#, headers: [("Idempotency-Key", "k1")])
                XCTAssertEqual(created.status, 200, String(decoding: created.body, as: UTF8.self))
                let session = try WireJSON.decode(CheckoutSessionResponse.self, from: created.body)
                XCTAssertEqual(session.amount, .usd(45_000_00))
                XCTAssertEqual(session.platformFee, .usd(6_750_00))
                XCTAssertEqual(session.sellerShare, .usd(38_250_00))
                XCTAssertEqual(session.holdDays, 3)
                // A checkout at the asking price while the agreed one is open would be a second way to pay for one business:
                // refused, naming the open one; the same offer's checkout again is that one handed back.
                let full = try await live.call(.POST, "/api/checkout/create-session", token: buyer.token, json: #"{"listingSlug":"shop"}"#)
                XCTAssertEqual(full.status, 409)
                let refusal = try WireJSON.decode(APIErrorBody.self, from: full.body)
                XCTAssertTrue(refusal.error.message.contains("$45,000.00"), refusal.error.message)
                let again = try await live.call(.POST, "/api/checkout/create-session", token: buyer.token,
                                                json: #"{"listingSlug":"shop","offerId":"\#(counter.id)"}"#, headers: [("Idempotency-Key", "k2")])
                XCTAssertEqual(try WireJSON.decode(CheckoutSessionResponse.self, from: again.body).orderId, session.orderId)

                let paid = try await live.call(.POST, "/api/sandbox/pay", token: buyer.token, json: #"{"orderId":"\#(session.orderId)"}"#)
                XCTAssertEqual(paid.status, 200, String(decoding: paid.body, as: UTF8.self))
                try await live.eventually("the order is paid") {
                    let order = try WireJSON.decode(Order.self, from: try await live.call(.GET, "/api/orders/\(session.orderId)", token: buyer.token).body)
                    return order.state == .inReview
                }
                let order = try WireJSON.decode(Order.self, from: try await live.call(.GET, "/api/orders/\(session.orderId)", token: buyer.token).body)
                XCTAssertEqual(order.amount, .usd(45_000_00))
                XCTAssertEqual(order.platformFee, .usd(6_750_00))
                XCTAssertEqual(order.sellerShare, .usd(38_250_00))
                let paidAt = try XCTUnwrap(order.paidAt)
                XCTAssertEqual(order.holdUntil, paidAt.addingTimeInterval(3 * 86_400))
                let sale = try WireJSON.decode(PayoutsResponse.self, from: try await live.call(.GET, "/api/seller/payouts", token: seller.token).body)
                XCTAssertEqual(sale.payouts.map(\.gross), [.usd(45_000_00)])
                XCTAssertEqual(sale.payouts.map(\.net), [.usd(38_250_00)])
                let after = try WireJSON.decode(Offer.self, from: try await live.call(.GET, "/api/offers/\(counter.id)", token: buyer.token).body)
                XCTAssertEqual(after.orderId, session.orderId)
            } catch {
                await live.stop()
                throw error
            }
            await live.stop()
        }
    }
}
