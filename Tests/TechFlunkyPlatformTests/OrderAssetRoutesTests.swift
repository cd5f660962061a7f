import Foundation
import Hummingbird
import HummingbirdTesting
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

/// A package's business assets for the buyer who paid: opened from their sealed files for the answer only.
final class OrderAssetRoutesTests: XCTestCase {
    func testTheBuyerWhoPaidGetsTheSealedAssetOpenedAndNobodyElseDoes() async throws {
        let key = SecretKey.generate()
        try await forEachEngine(configure: { $0.configuration.secretsKey = key }) { harness, services, _ in
            let order = try await Webhook.pendingOrder(services)
            let bundle = harness.directory.appendingPathComponent("upload")
            try CatalogFixtures.writeBundle(CatalogFixtures.manifest(slug: "shop"), to: bundle)
            try services.packages.install(slug: "shop", from: bundle)
            let plain = try Data(contentsOf: bundle.appendingPathComponent("assets/plan.md"))
            let onDisk = try Data(contentsOf: services.packages.bundleDirectory(slug: "shop").appendingPathComponent("assets/plan.md"))
            XCTAssertNil(onDisk.range(of: plain), "sealed at rest")
            let buyer = try await XCTUnwrapAsync(try await services.accounts.account(id: order.buyerId))
            let buyerToken = try await AccountRoutes.startSession(for: buyer, services: services).token
            let other = try await CatalogFixtures.seller(services, email: "someone-else@example.com")
            let otherToken = try await AccountRoutes.startSession(for: other, services: services).token

            try await harness.withRouter(services) { client, _ in
                let path = "/api/orders/\(order.id)/assets/businessPlan"
                let early = try await client.execute(uri: path, method: .get, headers: bearer(buyerToken))
                XCTAssertEqual(early.status, .conflict, "not before the order is paid")

                let paid = try await Webhook.post(client, Webhook.completed("evt_paid"), now: Date())
                XCTAssertEqual(paid.status, .ok)
                let asset = try await client.execute(uri: path, method: .get, headers: bearer(buyerToken))
                XCTAssertEqual(asset.status, .ok)
                XCTAssertEqual(Data(asset.body.readableBytesView), plain, "the seller's file, opened")
                XCTAssertEqual(asset.headers[.contentType], "text/markdown; charset=utf-8")
                XCTAssertEqual(asset.headers[.contentDisposition], #"attachment; filename="plan.md""#)

                let stranger = try await client.execute(uri: path, method: .get, headers: bearer(otherToken))
                XCTAssertEqual(stranger.status, .notFound, "someone else's order does not exist for them")
                let anonymous = try await client.execute(uri: path, method: .get)
                XCTAssertEqual(anonymous.status, .unauthorized)
                let unknown = try await client.execute(uri: "/api/orders/\(order.id)/assets/nothing", method: .get, headers: bearer(buyerToken))
                XCTAssertEqual(unknown.status, .notFound)
                XCTAssertTrue(String(buffer: unknown.body).contains("businessPlan"), "names the assets there are")
            }
        }
    }
}
