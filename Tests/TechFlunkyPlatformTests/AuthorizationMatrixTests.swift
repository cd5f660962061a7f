import Foundation
import Hummingbird
import HummingbirdTesting
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

/// Every endpoint that needs an account answers 401 without one, and someone else's resource is 404.
final class AuthorizationMatrixTests: XCTestCase {
    func testProtectedEndpointsNeedAToken() async throws {
        try await forEachEngine { harness, services, _ in
            try await harness.withRouter(services) { client, _ in
                let protected: [(HTTPRequest.Method, String)] = [
                    (.get, "/api/me"), (.post, "/api/auth/logout"), (.get, "/api/orders"), (.get, "/api/orders/ord_x"),
                    (.post, "/api/checkout/create-session"), (.post, "/api/seller/create-account"), (.get, "/api/seller/account"),
                    (.get, "/api/seller/payouts"), (.post, "/api/sandbox/pay"), (.get, "/api/sandbox/clock"), (.post, "/api/sandbox/advance"),
                    (.post, "/api/seller/listings"), (.put, "/api/seller/listings/x"), (.delete, "/api/seller/listings/x"),
                    (.post, "/api/seller/listings/x/publish"),
                    (.get, "/api/offers"), (.post, "/api/offers"), (.get, "/api/offers/off_x"), (.post, "/api/offers/off_x/accept"),
                    (.post, "/api/offers/off_x/decline"), (.post, "/api/offers/off_x/withdraw"), (.post, "/api/offers/off_x/counter"),
                    (.get, "/api/questions"), (.post, "/api/listings/x/questions"), (.post, "/api/questions/qst_x/answer"),
                    (.post, "/api/questions/qst_x/publish"), (.post, "/api/questions/qst_x/unpublish"),
                ]
                for (method, path) in protected {
                    let response = try await client.execute(uri: path, method: method, headers: [.contentType: "application/json"],
                                                            body: ByteBuffer(string: #"{"listingSlug":"x","orderId":"ord_x"}"#))
                    XCTAssertEqual(response.status, .unauthorized, "\(method) \(path)")
                    XCTAssertEqual(response.errorBody?.error.code, APIErrorCode.unauthorized, "\(method) \(path)")
                }
            }
        }
    }

    func testSomeoneElsesOrderIsNotFound() async throws {
        try await forEachEngine { harness, services, _ in
            let seller = try await CatalogFixtures.seller(services)
            let buyer = try await CatalogFixtures.seller(services, email: "buyer@example.com")
            try await CatalogFixtures.list(services, slug: "shop", seller: seller, CatalogFixtures.details(title: "Shop"))
            let listing = try await services.catalog.listingForSale(slug: "shop")!
            let order = StoredOrder(id: "ord_mine", listing: listing, buyerId: buyer.id, split: try FeePolicy.standard.split(listing.askingPrice), now: services.clock.now())
            try await services.orders.insert(order)
            let buyerToken = try await AccountRoutes.startSession(for: buyer, services: services).token
            let sellerToken = try await AccountRoutes.startSession(for: seller, services: services).token

            try await harness.withRouter(services) { client, _ in
                let own = try await client.execute(uri: "/api/orders/ord_mine", method: .get, headers: bearer(buyerToken))
                XCTAssertEqual(own.status, .ok)
                let list = try await client.execute(uri: "/api/orders", method: .get, headers: bearer(buyerToken)).decoded(OrdersResponse.self)
                XCTAssertEqual(list.orders.map(\.id), ["ord_mine"])

                let other = try await client.execute(uri: "/api/orders/ord_mine", method: .get, headers: bearer(sellerToken))
                XCTAssertEqual(other.status, .notFound)
                let otherList = try await client.execute(uri: "/api/orders", method: .get, headers: bearer(sellerToken)).decoded(OrdersResponse.self)
                XCTAssertTrue(otherList.orders.isEmpty)
                let pay = try await client.execute(uri: "/api/sandbox/pay", method: .post, headers: bearer(sellerToken), body: jsonBody(SandboxPayRequest(orderId: "ord_mine")))
                XCTAssertEqual(pay.status, .notFound)

                // The buyer has no sales; the seller's payouts list nothing before payment.
                let payouts = try await client.execute(uri: "/api/seller/payouts", method: .get, headers: bearer(buyerToken)).decoded(PayoutsResponse.self)
                XCTAssertTrue(payouts.payouts.isEmpty)
            }
        }
    }

    func testBuyingYourOwnListingIsRefused() async throws {
        try await forEachEngine { harness, services, _ in
            let seller = try await CatalogFixtures.seller(services)
            try await CatalogFixtures.list(services, slug: "shop", seller: seller, CatalogFixtures.details(title: "Shop"))
            let token = try await AccountRoutes.startSession(for: seller, services: services).token
            try await harness.withRouter(services) { client, _ in
                let own = try await client.execute(uri: "/api/checkout/create-session", method: .post, headers: bearer(token),
                                                   body: jsonBody(CreateCheckoutSessionRequest(listingSlug: "shop")))
                XCTAssertEqual(own.status, .conflict)
                XCTAssertEqual(own.errorBody?.error.code, APIErrorCode.ownListing)
                let missing = try await client.execute(uri: "/api/checkout/create-session", method: .post, headers: bearer(token),
                                                       body: jsonBody(CreateCheckoutSessionRequest(listingSlug: "nope")))
                XCTAssertEqual(missing.status, .notFound)
            }
        }
    }
}
