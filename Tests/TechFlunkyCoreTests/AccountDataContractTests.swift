import Foundation
import XCTest
@testable import TechFlunkyCore

/// The account export and erasure wire types against their schemas in docs/openapi.yaml (the reader of
/// `OpenAPIContractTests`).
final class AccountDataContractTests: XCTestCase {
    func testAccountDataSchemasMatchTheWireTypes() throws {
        let shapes = try OpenAPIContractTests.schemas()
        let d = Fixtures.date
        let session = ExportedSession(createdAt: d, expiresAt: Fixtures.later, revokedAt: Fixtures.later)
        let listing = ExportedListing(id: "lst_1", slug: "recipebox", title: "RecipeBox", tagline: "t", description: "d", category: "SaaS",
                                      askingPrice: .usd(4_500_000), status: .withdrawn, createdAt: d, updatedAt: Fixtures.later)
        let deployment = ExportedDeployment(deployment: Fixtures.deployment, events: [Fixtures.event])
        let export = AccountExport(
            exportedAt: d, account: Account(id: "a", email: "e@x.io", displayName: "A", createdAt: d),
            seller: SellerAccountStatus(stripeAccountId: "acct", detailsSubmitted: true, chargesEnabled: true, payoutsEnabled: true),
            sessions: [session], orders: [Fixtures.order], sales: [Fixtures.order], payouts: [Fixtures.payout], listings: [listing],
            deployments: [deployment],
            offers: [Offer(id: "off_1", threadId: "off_1", listingSlug: "s", listingTitle: "T", askingPrice: .usd(10), buyerName: "B",
                           sellerName: "S", amount: .usd(5), from: .buyer, state: .open, message: "m", createdAt: d, expiresAt: d,
                           respondedAt: nil, previousOfferId: nil, orderId: nil, yourRole: .buyer)],
            questions: [Question(id: "q", listingSlug: "s", listingTitle: "T", text: "t", askedAt: d, answer: nil, answeredAt: nil,
                                 published: false, publishedAt: nil, askedByYou: true, yourListing: false)],
            watchlist: [WatchedListing(listing: Fixtures.summary, saleState: .forSale, reservedUntil: nil, watchedAt: d)],
            savedSearches: [SavedSearch(id: "i", name: "n", q: "q", category: nil, minPrice: nil, maxPrice: nil, createdAt: d)],
            notifications: [MarketNotification(id: 1, kind: .priceDrop, message: "m", listingSlug: "s", listingTitle: "t", oldPrice: .usd(2),
                                               newPrice: .usd(1), referenceId: nil, createdAt: d, readAt: nil)])
        let receipt = AccountErasureReceipt(accountId: "a", erasedAt: d, sessionsRevoked: 2, listingsWithdrawn: 1, deploymentsRemoved: 1,
                                            ordersKept: 3, note: "n")
        let values: [(String, any Encodable)] = [
            ("ExportedSession", session), ("ExportedListing", listing), ("ExportedDeployment", deployment), ("AccountExport", export),
            ("DeleteAccountRequest", DeleteAccountRequest(confirm: "e@x.io")), ("AccountErasureReceipt", receipt),
        ]
        for (name, value) in values {
            let shape = try XCTUnwrap(shapes[name], "docs/openapi.yaml has no schema \(name)")
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: WireJSON.encode(value)) as? [String: Any])
            XCTAssertEqual(Set(object.keys), shape.properties, "\(name): encoded keys vs schema properties")
            XCTAssertTrue(shape.required.isSubset(of: Set(object.keys)), "\(name): required \(shape.required.subtracting(object.keys)) not encoded")
        }
        let decoded = try WireJSON.decode(AccountExport.self, from: WireJSON.encode(export))
        XCTAssertEqual(decoded, export)
        // An export from a platform before offers, watchlists and notifications reads with those empty.
        var older = try XCTUnwrap(JSONSerialization.jsonObject(with: WireJSON.encode(export)) as? [String: Any])
        for key in ["offers", "questions", "watchlist", "savedSearches", "notifications"] { older[key] = nil }
        let fromOlder = try WireJSON.decode(AccountExport.self, from: JSONSerialization.data(withJSONObject: older))
        XCTAssertEqual(fromOlder.orders, export.orders)
        XCTAssertTrue(fromOlder.offers.isEmpty && fromOlder.questions.isEmpty && fromOlder.watchlist.isEmpty && fromOlder.notifications.isEmpty)
    }
}
