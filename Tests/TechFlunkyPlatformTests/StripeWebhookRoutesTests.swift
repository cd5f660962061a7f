import Foundation
import Hummingbird
import HummingbirdTesting
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

final class StripeWebhookRoutesTests: XCTestCase {
    func testPaymentStartsTheHoldAndAReplayIsANoOp() async throws {
        try await forEachEngine { harness, services, _ in
            _ = try await Webhook.pendingOrder(services)
            let clock = harness.clock
            try await harness.withRouter(services) { client, services in
                let first = try await Webhook.post(client, Webhook.completed("evt_1"), now: Date())
                XCTAssertEqual(first.status, .ok)
                let paid = try await services.orders.order(id: "ord_test")!
                XCTAssertEqual(paid.state, .inReview)
                XCTAssertEqual(paid.chargeId, "ch_1")
                XCTAssertEqual(paid.holdUntil, paid.paidAt?.addingTimeInterval(3 * 86_400))

                clock.advance(by: 60)
                let replay = try await Webhook.post(client, Webhook.completed("evt_1"), now: Date())
                XCTAssertEqual(replay.status, .ok)
                XCTAssertEqual(try replay.decoded(WebhookReceipt.self), WebhookReceipt(received: true, duplicate: true))
                let again = try await services.orders.order(id: "ord_test")!
                XCTAssertEqual(again.paidAt, paid.paidAt, "a repeated event changes nothing")
            }
        }
    }

    func testUnpaidCompletionDoesNotMarkPaid() async throws {
        try await forEachEngine { harness, services, _ in
            _ = try await Webhook.pendingOrder(services)
            try await harness.withRouter(services) { client, services in
                _ = try await Webhook.post(client, Webhook.completed("evt_u", paid: false), now: Date())
                let order = try await services.orders.order(id: "ord_test")
                XCTAssertEqual(order?.state, .pendingPayment)
                XCTAssertEqual(order?.paymentIntentId, "pi_1")
            }
        }
    }

    /// The refund arrives before the payment it refunds; the order still ends refunded, never releasable.
    func testOutOfOrderRefundBeforePaymentEndsRefunded() async throws {
        try await forEachEngine { harness, services, _ in
            _ = try await Webhook.pendingOrder(services)
            try await harness.withRouter(services) { client, services in
                _ = try await Webhook.post(client, Webhook.refunded("evt_r"), now: Date())
                _ = try await Webhook.post(client, Webhook.completed("evt_c"), now: Date())
                let expired = Webhook.event("evt_x", "checkout.session.expired", #"{"id":"cs_test_1","client_reference_id":"ord_test"}"#)
                _ = try await Webhook.post(client, expired, now: Date())
                let order = try await services.orders.order(id: "ord_test")!
                XCTAssertEqual(order.state, .refunded)
                let due = try await services.orders.dueForRelease(now: services.clock.now().addingTimeInterval(10 * 86_400))
                XCTAssertTrue(due.isEmpty)
            }
        }
    }

    func testExpiredSessionExpiresAPendingOrderButNotAPaidOne() async throws {
        try await forEachEngine { harness, services, _ in
            _ = try await Webhook.pendingOrder(services)
            try await harness.withRouter(services) { client, services in
                _ = try await Webhook.post(client, Webhook.completed("evt_c"), now: Date())
                _ = try await Webhook.post(client, Webhook.event("evt_x", "checkout.session.expired", #"{"id":"cs_test_1","client_reference_id":"ord_test"}"#), now: Date())
                let order = try await services.orders.order(id: "ord_test")
                XCTAssertEqual(order?.state, .inReview)
            }
        }
    }

    func testDisputeFreezesTheHold() async throws {
        try await forEachEngine { harness, services, _ in
            _ = try await Webhook.pendingOrder(services)
            try await harness.withRouter(services) { client, services in
                _ = try await Webhook.post(client, Webhook.completed("evt_c"), now: Date())
                let dispute = Webhook.event("evt_d", "charge.dispute.created", #"{"id":"du_1","object":"dispute","charge":{"id":"ch_1","transfer_group":"ord_test"},"payment_intent":"pi_1"}"#)
                let response = try await Webhook.post(client, dispute, now: Date())
                XCTAssertEqual(response.status, .ok)
                let order = try await services.orders.order(id: "ord_test")!
                XCTAssertEqual(order.state, .disputed)
                XCTAssertEqual(order.payout(now: services.clock.now(), sellerCanReceive: true)?.state, .disputed)
            }
        }
    }

    func testAWonDisputeResumesTheHoldAndALostOneRefunds() async throws {
        try await forEachEngine { harness, services, _ in
            _ = try await Webhook.pendingOrder(services)
            try await harness.withRouter(services) { client, services in
                _ = try await Webhook.post(client, Webhook.completed("evt_c"), now: Date())
                let dispute = #"{"id":"du_1","object":"dispute","charge":{"id":"ch_1","transfer_group":"ord_test"},"payment_intent":"pi_1","status":"needs_response"}"#
                _ = try await Webhook.post(client, Webhook.event("evt_d1", "charge.dispute.created", dispute), now: Date())
                let won = dispute.replacingOccurrences(of: "needs_response", with: "won")
                _ = try await Webhook.post(client, Webhook.event("evt_w", "charge.dispute.closed", won), now: Date())
                let resumed = try await services.orders.order(id: "ord_test")
                XCTAssertEqual(resumed?.state, .inReview)

                _ = try await Webhook.post(client, Webhook.event("evt_d2", "charge.dispute.created", dispute), now: Date())
                let lost = dispute.replacingOccurrences(of: "needs_response", with: "lost")
                _ = try await Webhook.post(client, Webhook.event("evt_l", "charge.dispute.closed", lost), now: Date())
                let refunded = try await services.orders.order(id: "ord_test")
                XCTAssertEqual(refunded?.state, .refunded)
            }
        }
    }

    /// What the payment event recorded is what the buyer's orders and the seller's payouts show.
    func testAPaidOrderShowsInTheBuyersOrdersAndTheSellersPayouts() async throws {
        try await forEachEngine { harness, services, _ in
            let order = try await Webhook.pendingOrder(services)
            let buyer = try await XCTUnwrapAsync(try await services.accounts.account(id: order.buyerId))
            let seller = try await XCTUnwrapAsync(try await services.accounts.account(id: order.sellerId))
            let buyerToken = try await AccountRoutes.startSession(for: buyer, services: services).token
            let sellerToken = try await AccountRoutes.startSession(for: seller, services: services).token
            try await harness.withRouter(services) { client, services in
                let before = try await client.execute(uri: "/api/seller/payouts", method: .get, headers: bearer(sellerToken)).decoded(PayoutsResponse.self)
                XCTAssertTrue(before.payouts.isEmpty, "nothing sold before payment")
                _ = try await Webhook.post(client, Webhook.completed("evt_paid"), now: Date())
                let orders = try await client.execute(uri: "/api/orders", method: .get, headers: bearer(buyerToken)).decoded(OrdersResponse.self)
                XCTAssertEqual(orders.orders.map(\.id), [order.id])
                XCTAssertEqual(orders.orders.first?.state, .inReview)
                XCTAssertEqual(orders.orders.first?.holdUntil, services.clock.now().addingTimeInterval(3 * 86_400))
                let payouts = try await client.execute(uri: "/api/seller/payouts", method: .get, headers: bearer(sellerToken)).decoded(PayoutsResponse.self)
                XCTAssertEqual(payouts.payouts.map(\.orderId), [order.id])
                XCTAssertEqual(payouts.payouts.first?.state, .inReview)
                XCTAssertEqual(payouts.payouts.first?.net, order.sellerShare)
                let owned = try await services.orders.ownsListing(buyerId: buyer.id, listingId: order.listingId)
                XCTAssertTrue(owned)
                let listing = try await services.catalog.listing(slug: "shop")
                XCTAssertEqual(listing?.status, .sold, "the payment marked the listing sold")
            }
        }
    }

    /// Payment events and connected accounts' events (`connect=true`) come from two endpoints, each with its own secret.
    func testEitherOfTwoConfiguredSigningSecretsIsAccepted() async throws {
        try await forEachEngine(configure: { $0.configuration.stripeWebhookSecret = "whsec_payments_endpoint, whsec_test_secret" }) { harness, services, _ in
            _ = try await Webhook.pendingOrder(services)
            try await harness.withRouter(services) { client, services in
                let viaConnect = try await Webhook.post(client, Webhook.completed("evt_1"), now: Date(), secret: "whsec_test_secret")
                XCTAssertEqual(viaConnect.status, .ok)
                let viaPayments = try await Webhook.post(client, Webhook.completed("evt_2"), now: Date(), secret: "whsec_payments_endpoint")
                XCTAssertEqual(viaPayments.status, .ok)
                let neither = try await Webhook.post(client, Webhook.completed("evt_3"), now: Date(), secret: "whsec_other")
                XCTAssertEqual(neither.status, .badRequest)
            }
        }
    }

    func testBadSignaturesAreRefusedAndChangeNothing() async throws {
        try await forEachEngine { harness, services, _ in
            _ = try await Webhook.pendingOrder(services)
            try await harness.withRouter(services) { client, services in
                let wrongSecret = try await Webhook.post(client, Webhook.completed("evt_1"), now: Date(), secret: "whsec_wrong")
                XCTAssertEqual(wrongSecret.status, .badRequest)
                XCTAssertEqual(wrongSecret.errorBody?.error.field, "Stripe-Signature")
                // Stale against both the wall clock and the platform's (sandbox) clock.
                let stale = try await Webhook.post(client, Webhook.completed("evt_1"), now: min(Date(), services.clock.now()).addingTimeInterval(-3600))
                XCTAssertEqual(stale.status, .badRequest)
                let unsigned = try await client.execute(uri: "/api/checkout/webhook", method: .post, body: ByteBuffer(string: Webhook.completed("evt_1")))
                XCTAssertEqual(unsigned.status, .badRequest)
                let order = try await services.orders.order(id: "ord_test")
                XCTAssertEqual(order?.state, .pendingPayment)
            }
        }
    }

    func testAccountUpdatedRecordsOnboardingFlags() async throws {
        try await forEachEngine { harness, services, _ in
            let seller = try await CatalogFixtures.seller(services)
            try await services.accounts.setStripeAccount(accountId: seller.id, stripeAccountId: "acct_1")
            try await harness.withRouter(services) { client, services in
                let body = Webhook.event("evt_a", "account.updated", #"{"id":"acct_1","object":"account","details_submitted":true,"charges_enabled":true,"payouts_enabled":true}"#)
                _ = try await Webhook.post(client, body, now: Date())
                let state = try await services.accounts.sellerState(accountId: seller.id)
                XCTAssertTrue(state.onboardingComplete)
            }
        }
    }
}

enum Webhook {
    /// A pending order for `buyer` of a listing by `seller`, with a checkout session id.
    static func pendingOrder(_ services: PlatformServices, session: String = "cs_test_1") async throws -> StoredOrder {
        let seller = try await CatalogFixtures.seller(services)
        let buyer = try await CatalogFixtures.seller(services, email: "buyer@example.com")
        try await CatalogFixtures.list(services, slug: "shop", seller: seller, CatalogFixtures.details(title: "Shop", price: 10_000))
        let listing = try await services.catalog.listingForSale(slug: "shop")!
        let order = StoredOrder(id: "ord_test", listing: listing, buyerId: buyer.id, split: try FeePolicy.standard.split(listing.askingPrice), now: services.clock.now())
        try await services.orders.insert(order)
        try await services.orders.attachCheckoutSession(orderId: order.id, sessionId: session, url: "https://example/checkout", expiresAt: services.clock.now().addingTimeInterval(3600))
        return order
    }

    static func event(_ id: String, _ type: String, _ object: String) -> String {
        #"{"id":"\#(id)","object":"event","type":"\#(type)","created":1,"data":{"object":\#(object)}}"#
    }

    static func completed(_ id: String, paid: Bool = true) -> String {
        Webhook.event(id, "checkout.session.completed", #"{"id":"cs_test_1","object":"checkout.session","client_reference_id":"ord_test","payment_status":"\#(paid ? "paid" : "unpaid")","payment_intent":{"id":"pi_1","latest_charge":"ch_1"}}"#)
    }

    static func refunded(_ id: String) -> String {
        Webhook.event(id, "charge.refunded", #"{"id":"ch_1","object":"charge","refunded":true,"amount_refunded":10000,"payment_intent":"pi_1","transfer_group":"ord_test"}"#)
    }

    static func post(_ client: any TestClientProtocol, _ body: String, now: Date, secret: String = "whsec_test_secret",
                     requestID: String? = nil) async throws -> TestResponse {
        let t = Int64(now.timeIntervalSince1970)
        let signature = StripeSignature.sign(payload: Data(body.utf8), timestamp: t, secret: secret)
        var headers: HTTPFields = [.init("Stripe-Signature")!: "t=\(t),v1=\(signature)", .contentType: "application/json"]
        if let requestID { headers[.requestID] = requestID }
        return try await client.execute(uri: "/api/checkout/webhook", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

}

final class PayoutHoldFreezeTests: XCTestCase {
    /// A deployment that failed in the package's own steps freezes the hold; lifting it makes it due again.
    func testFrozenHoldIsNotDueUntilUnfrozen() async throws {
        try await forEachEngine { harness, services, _ in
            let order = try await Webhook.pendingOrder(services)
            try await services.accounts.setStripeAccount(accountId: order.sellerId, stripeAccountId: "acct_seller")
            try await services.accounts.updateConnectFlags(stripeAccountId: "acct_seller", detailsSubmitted: true, chargesEnabled: true, payoutsEnabled: true)
            _ = try await services.orders.apply(eventId: "evt_p", eventType: "checkout.session.completed",
                                                fact: .paid(orderId: order.id, sessionId: "cs_test_1", paymentIntentId: "pi_1", chargeId: "ch_1"),
                                                holdInterval: 3 * 86_400, now: services.clock.now())
            let later = services.clock.now().addingTimeInterval(3 * 86_400 + 1)
            let due = try await services.orders.dueForRelease(now: later)
            XCTAssertEqual(due.map(\.order.id), [order.id])
            XCTAssertEqual(due.first?.destination, "acct_seller")

            try await services.orderAccess.freezePayoutHold(orderId: order.id, reason: "deployment failed in upload_workers")
            let frozenDue = try await services.orders.dueForRelease(now: later)
            XCTAssertTrue(frozenDue.isEmpty)
            let payout = try await services.orders.order(id: order.id)?.payout(now: later, sellerCanReceive: true)
            XCTAssertEqual(payout?.state, .frozen)
            XCTAssertEqual(payout?.reason, "deployment failed in upload_workers")

            try await services.orderAccess.unfreezePayoutHold(orderId: order.id)
            let dueAgain = try await services.orders.dueForRelease(now: later)
            XCTAssertEqual(dueAgain.map(\.order.id), [order.id])

            let access = try await services.orderAccess.order(id: order.id, buyerId: order.buyerId)
            XCTAssertEqual(access?.bundleDirectory, services.packages.bundleDirectory(slug: "shop"))
            let stranger = try await services.orderAccess.order(id: order.id, buyerId: order.sellerId)
            XCTAssertNil(stranger, "someone else's order is not found")
        }
    }
}
