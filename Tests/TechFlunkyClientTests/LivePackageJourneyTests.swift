import Foundation
import TechFlunkyArchive
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyHTTP
import XCTest

/// `package init` → validate → publish (refused before onboarding, a draft allowed) → onboard → live → buy → deploy,
/// on the whole marketplace (platform and stand-ins) over loopback.
final class LivePackageJourneyTests: XCTestCase {
    /// Polls `condition` until it holds or `seconds` pass.
    private func eventually(_ what: String, seconds: Double = 30, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        XCTFail("timed out waiting for \(what)")
    }

    func testAnInitPackageValidatesPublishesAfterOnboardingAndDeploysAsItIs() async throws {
        let template = try PackageTemplate(name: "Trailhead Notes")
        XCTAssertEqual(template.slug, "trailhead-notes")
        let files = try template.files()
        let paths = Set(files.map(\.path))
        let manifest = try XCTUnwrap(files.first { $0.path == "techflunky.json" }?.contents)
        XCTAssertEqual(PackageManifestValidator(today: "2026-12-05").problems(in: manifest, bundleFiles: paths), [], "init writes a valid package")
        let archive = Data(try BundleArchive.make(files.map { ArchiveFile(path: $0.path, contents: Array($0.contents)) }))

        try await forEachServerEngine { engine in try await LiveMarketplace.with(on: engine) { market in
            let seller = PlatformClient(baseURL: market.baseURL)
            _ = try await seller.signup(email: "maker@example.com", password: "a long seller password", displayName: "Maker")

            // Before onboarding: refused with what is missing, and what to do.
            do {
                _ = try await seller.publishListing(archive: archive)
                XCTFail("a listing must not go live before payouts are enabled")
            } catch let ClientError.rejected(status, detail) {
                XCTAssertEqual(status, 409)
                XCTAssertEqual(detail.code, APIErrorCode.payoutsRequired)
                XCTAssertTrue(detail.message.contains("techflunky seller onboard"), detail.message)
                XCTAssertTrue(detail.message.contains("not started Stripe onboarding"), detail.message)
            }
            // A draft is allowed: its seller sees it, nobody else does, nobody can buy it.
            let draft = try await seller.publishListing(archive: archive, draft: true)
            XCTAssertEqual(draft.status, .draft)
            XCTAssertEqual(draft.assets.map(\.kind).sorted(), ["businessPlan", "marketResearch"])
            let buyer = PlatformClient(baseURL: market.baseURL)
            _ = try await buyer.signup(email: "buyer@example.com", password: "a long buyer password", displayName: "Buyer")
            do {
                _ = try await buyer.listing(slug: template.slug)
                XCTFail("a draft is not shown to others")
            } catch ClientError.notFound {}
            let search = try await buyer.listings(ListingQuery(q: "Trailhead"))
            XCTAssertFalse(search.items.contains { $0.slug == template.slug })
            do {
                _ = try await buyer.createCheckoutSession(listingSlug: template.slug, idempotencyKey: UUID().uuidString)
                XCTFail("a draft cannot be bought")
            } catch is ClientError {}
            do {
                _ = try await seller.publishDraft(slug: template.slug)
                XCTFail("still refused before onboarding")
            } catch let ClientError.rejected(_, detail) {
                XCTAssertEqual(detail.code, APIErrorCode.payoutsRequired)
            }

            // Onboarding: the Connect account, the hosted form completed on the stand-in, then live.
            let account = try await seller.createSellerAccount()
            do {
                _ = try await seller.publishDraft(slug: template.slug)
                XCTFail("refused while onboarding is unfinished")
            } catch let ClientError.rejected(_, detail) {
                XCTAssertTrue(detail.message.contains("payouts are not enabled"), detail.message)
            }
            let stripeAccount = try XCTUnwrap(account.stripeAccountId)
            let completed = try await CurlHTTPClient().send(HTTPRequest(method: .POST, url: "\(market.sandbox.baseURL)/sandbox/accounts/\(stripeAccount)/complete-onboarding"))
            XCTAssertEqual(completed.status, 200)
            try await eventually("onboarding") { try await seller.sellerAccount().onboardingComplete }
            let live = try await seller.publishDraft(slug: template.slug)
            XCTAssertEqual(live.status, .active)
            let shown = try await buyer.listing(slug: template.slug)
            XCTAssertEqual(shown.summary.title, "Trailhead Notes")

            // Bought and deployed into the stand-in's Cloudflare account as it is.
            let session = try await buyer.createCheckoutSession(listingSlug: template.slug, idempotencyKey: UUID().uuidString)
            try await buyer.sandboxPay(orderId: session.orderId)
            try await eventually("payment") { try await buyer.order(id: session.orderId).isDeployable }
            let accepted = try await buyer.deploy(DeployRequest(orderId: session.orderId, cloudflare: CloudflareCredentials(
                accountId: LiveMarketplace.cloudflareAccountId, apiToken: CloudflareAPIToken(LiveMarketplace.cloudflareToken))))
            var deployment = try await buyer.deployment(id: accepted.deploymentId)
            try await eventually("the deployment's end", seconds: 60) {
                deployment = try await buyer.deployment(id: accepted.deploymentId)
                return deployment.state.isFinal
            }
            XCTAssertEqual(deployment.state, .succeeded, "\(deployment)")
        } }
    }
}
