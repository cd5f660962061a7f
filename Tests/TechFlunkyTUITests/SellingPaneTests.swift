import Foundation
import TechFlunkyClient
import TechFlunkyCore
import XCTest
@testable import TechFlunkyTUI

final class SellingPaneTests: XCTestCase {
    typealias F = CheckoutFixtures

    private var sample: [SellerListing] {
        [SellerListing(slug: "notebook", title: "Notebook — notes that sync", status: "active", askingPrice: .usd(90_000_00), version: "1.1.0",
                       versionCount: 2, buyers: 3, createdAt: F.t0, updatedAt: F.t0),
         SellerListing(slug: "tea-trove", title: "Tea Trove\u{1b}[31m", status: "reserved", askingPrice: .usd(185_000_00), version: "1.0.0",
                       versionCount: 1, buyers: 0, createdAt: F.t0, updatedAt: F.t0),
         SellerListing(slug: "old-blog", title: "Old Blog", status: "withdrawn", askingPrice: .usd(5_000_00), version: "2.0.0",
                       versionCount: 4, buyers: 1, createdAt: F.t0, updatedAt: F.t0)]
    }

    private func loaded() -> (SellingPane, PaneContext) {
        var pane = SellingPane()
        var ctx = F.context()
        let load = F.requests(pane.start(&ctx))
        XCTAssertEqual(load.map(\.1), [.sellerListings])
        let after = pane.receive(.response(load[0].0, .success(.sellerListings(sample))), &ctx)
        XCTAssertEqual(F.timers(after).count, 1, "refreshes while open")
        return (pane, ctx)
    }

    func testShowsEveryStatusTheVersionAndBuyersWithHostileTextCleaned() {
        let (pane, _) = loaded()
        let screen = F.render(pane, width: 100, height: 8)
        XCTAssertTrue(screen.contains("Your listings (3)"), screen)
        XCTAssertTrue(screen.contains("live"), screen)
        XCTAssertTrue(screen.contains("reserved"), "a status the pane does not know is shown as the platform says it: \(screen)")
        XCTAssertTrue(screen.contains("unpublished"), screen)
        XCTAssertTrue(screen.contains("1.1.0"), screen)
        XCTAssertTrue(screen.contains("$90,000.00"), screen)
        XCTAssertFalse(screen.contains("\u{1b}"), "no escape reaches the screen")
        let narrow = F.render(pane, width: 40, height: 8)
        XCTAssertTrue(narrow.contains("Notebook"), narrow)
        XCTAssertTrue(narrow.split(separator: "\n").allSatisfy { $0.count <= 40 }, narrow)
    }

    func testEditingThePriceSendsAPartialEditAndRefreshes() {
        var (pane, ctx) = loaded()
        _ = F.press(.char("e"), &pane, &ctx)
        XCTAssertTrue(pane.capturesText)
        XCTAssertTrue(F.render(pane, width: 100, height: 10).contains("90000"), "prefilled with the current price")
        for _ in 0..<10 { _ = F.press(.backspace, &pane, &ctx) }
        F.type("abc", &pane, &ctx)
        XCTAssertTrue(F.requests(F.press(.enter, &pane, &ctx)).isEmpty, "not a price: nothing sent")
        XCTAssertNotNil(pane.problem)
        for _ in 0..<3 { _ = F.press(.backspace, &pane, &ctx) }
        F.type("95k", &pane, &ctx)
        let sent = F.requests(F.press(.enter, &pane, &ctx))
        XCTAssertEqual(sent.map(\.1), [.editListing(slug: "notebook", patch: ListingPatchRequest(askingPrice: .usd(95_000_00)))])
        let after = pane.receive(.response(sent[0].0, .failure(ServiceFailure(message: "must be above zero", field: "listing.askingPrice"))), &ctx)
        XCTAssertTrue(after.isEmpty)
        XCTAssertTrue(F.render(pane, width: 100, height: 10).contains("must be above zero"), "the refusal is shown under the editor")
        let again = F.requests(F.press(.enter, &pane, &ctx))
        var summary = F.listing
        summary.askingPrice = .usd(95_000_00)
        let listing = Listing(summary: summary, description: "d", package: PackageManifest(
            id: "p", name: "n", slug: summary.slug, version: "1.1.0",
            cloudflare: CloudflareResources(workers: [], d1Databases: [], r2Buckets: [], dnsRecords: []), businessAssets: [:]),
            assets: [], updatedAt: F.t0)
        let done = pane.receive(.response(again[0].0, .success(.listing(listing))), &ctx)
        XCTAssertNil(pane.editor)
        XCTAssertEqual(F.requests(done).map(\.1), [.sellerListings], "the list is read again")
    }

    func testUnpublishAsksFirstAndANewVersionNeedsADirectoryAndAChangelog() {
        var (pane, ctx) = loaded()
        _ = F.press(.char("x"), &pane, &ctx)
        XCTAssertTrue(F.render(pane, width: 100, height: 10).contains("Unpublish notebook?"))
        XCTAssertTrue(F.requests(F.press(.char("n"), &pane, &ctx)).isEmpty)
        XCTAssertNil(pane.editor, "n keeps it")
        _ = F.press(.char("x"), &pane, &ctx)
        XCTAssertEqual(F.requests(F.press(.char("y"), &pane, &ctx)).map(\.1), [.withdrawListing(slug: "notebook")])

        var (fresh, ctx2) = loaded()
        _ = F.press(.char("v"), &fresh, &ctx2)
        XCTAssertTrue(F.requests(F.press(.enter, &fresh, &ctx2)).isEmpty, "no directory: nothing sent")
        F.type("/tmp/notebook", &fresh, &ctx2)
        XCTAssertTrue(F.requests(F.press(.enter, &fresh, &ctx2)).isEmpty, "no changelog: nothing sent")
        F.type("Pinned notes", &fresh, &ctx2)
        XCTAssertEqual(F.requests(F.press(.enter, &fresh, &ctx2)).map(\.1),
                       [.publishVersionFromDirectory(slug: "notebook", directory: "/tmp/notebook", changelog: "Pinned notes")])

        var (third, ctx3) = loaded()
        _ = F.press(.char("G"), &third, &ctx3)
        XCTAssertTrue(F.requests(F.press(.char("e"), &third, &ctx3)).isEmpty)
        XCTAssertNil(third.editor, "an unpublished listing is not edited")
    }
}
