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
            deployments: [deployment])
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
    }
}
