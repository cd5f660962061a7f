import Foundation
import Hummingbird
import HummingbirdTesting
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

/// `GET /api/listings/{slug}/assets/{kind}`: the first part the seller chose for everyone, the whole for the buyer
/// who paid and for the seller.
final class ListingAssetRoutesTests: XCTestCase {
    static let plan = (1...10).map { "Line \($0) of the plan" }.joined(separator: "\n") + "\n"

    func testPreviewBeforePurchaseAndTheWholeAfter() async throws {
        try await forEachEngine(configure: { $0.configuration.secretsKey = SecretKey.generate() }) { harness, services, _ in
            let order = try await Webhook.pendingOrder(services)
            var manifest = CatalogFixtures.manifest(slug: "shop")
            manifest.assetPreviewPercent = 30
            manifest.businessAssets["handoverNotes"] = "assets/logo.png"
            let bundle = harness.directory.appendingPathComponent("upload")
            try CatalogFixtures.writeBundle(manifest, to: bundle)
            try Data(Self.plan.utf8).write(to: bundle.appendingPathComponent("assets/plan.md"))
            try services.packages.install(slug: "shop", from: bundle)
            let buyer = try await XCTUnwrapAsync(try await services.accounts.account(id: order.buyerId))
            let buyerToken = try await AccountRoutes.startSession(for: buyer, services: services).token
            let seller = try await XCTUnwrapAsync(try await services.accounts.account(id: order.sellerId))
            let sellerToken = try await AccountRoutes.startSession(for: seller, services: services).token

            try await harness.withRouter(services) { client, _ in
                let path = "/api/listings/shop/assets/businessPlan"
                let anonymous = try await client.execute(uri: path, method: .get)
                XCTAssertEqual(anonymous.status, .ok, String(buffer: anonymous.body))
                let preview = try anonymous.decoded(BusinessDocument.self)
                XCTAssertEqual(preview.text, "Line 1 of the plan\nLine 2 of the plan\nLine 3 of the plan\n")
                XCTAssertEqual([preview.shownLines, preview.totalLines, preview.previewPercent], [3, 10, 30])
                XCTAssertFalse(preview.complete)
                XCTAssertEqual(preview.format, .markdown)
                XCTAssertEqual(preview.fileName, "plan.md")

                let unpaid = try await client.execute(uri: path, method: .get, headers: bearer(buyerToken))
                XCTAssertFalse(try unpaid.decoded(BusinessDocument.self).complete, "a checkout not yet paid is not a purchase")
                let paid = try await Webhook.post(client, Webhook.completed("evt_paid"), now: Date())
                XCTAssertEqual(paid.status, .ok)
                let whole = try await client.execute(uri: path, method: .get, headers: bearer(buyerToken))
                let document = try whole.decoded(BusinessDocument.self)
                XCTAssertTrue(document.complete)
                XCTAssertEqual(document.text, Self.plan)
                XCTAssertEqual(document.shownLines, 10)
                let sellers = try await client.execute(uri: path, method: .get, headers: bearer(sellerToken))
                XCTAssertTrue(try sellers.decoded(BusinessDocument.self).complete, "the seller reads their own document whole")

                let refunded = try await Webhook.post(client, Webhook.refunded("evt_refund"), now: Date())
                XCTAssertEqual(refunded.status, .ok)
                let afterRefund = try await client.execute(uri: path, method: .get, headers: bearer(buyerToken))
                XCTAssertFalse(try afterRefund.decoded(BusinessDocument.self).complete, "a refund takes the whole back")

                let unknown = try await client.execute(uri: "/api/listings/shop/assets/nothing", method: .get)
                XCTAssertEqual(unknown.status, .notFound)
                XCTAssertTrue(String(buffer: unknown.body).contains("businessPlan"), "names the assets there are")
                let image = try await client.execute(uri: "/api/listings/shop/assets/handoverNotes", method: .get)
                XCTAssertEqual(image.status, .conflict, "an image is not shown as text")
                let noListing = try await client.execute(uri: "/api/listings/nope/assets/businessPlan", method: .get)
                XCTAssertEqual(noListing.status, .notFound)
            }
        }
    }

    func testPreviewShareIsRoundedUpAndAtLeastOneLine() {
        let d = BusinessDocument.make(kind: "k", fileName: "f", format: .text, text: "a\nb\nc\n", percent: 1, whole: false)
        XCTAssertEqual([d.shownLines, d.totalLines], [1, 3])
        XCTAssertEqual(d.text, "a\n")
        let all = BusinessDocument.make(kind: "k", fileName: "f", format: .text, text: "a\nb", percent: 50, whole: false)
        XCTAssertEqual(all.text, "a\n", "half of two lines is one")
        let whole = BusinessDocument.make(kind: "k", fileName: "f", format: .text, text: "a\nb", percent: 50, whole: true)
        XCTAssertEqual(whole.text, "a\nb")
        XCTAssertTrue(whole.complete)
    }
}
