import Foundation
import TechFlunkyClient
import TechFlunkyCore
import XCTest
@testable import TechFlunkyTUI

final class PayoutsPaneTests: XCTestCase {
    typealias F = CheckoutFixtures
    /// The platform's clock: two days after the first sale.
    let platformNow = CheckoutFixtures.t0.addingTimeInterval(2 * 86_400)

    private func payout(_ id: String, _ title: String, _ state: HoldState, soldDaysAgo: Double, reason: String? = nil) -> Payout {
        let sold = platformNow.addingTimeInterval(-soldDaysAgo * 86_400)
        return Payout(orderId: id, listingSlug: id, listingTitle: title, soldAt: sold, gross: .usd(1_250_000), fee: .usd(187_500),
                      net: .usd(1_062_500), state: state, holdUntil: sold.addingTimeInterval(3 * 86_400),
                      releasedAt: state == .released ? sold.addingTimeInterval(3 * 86_400) : nil,
                      transferId: state == .released ? "tr_1" : nil, reason: reason)
    }

    private var response: PayoutsResponse {
        PayoutsResponse(payouts: [
            payout("o1", "Alpha CRM", .inReview, soldDaysAgo: 0.9),
            payout("o2", "Beta Shop", .frozen, soldDaysAgo: 4, reason: "deployment failed"),
            payout("o3", "Gamma Blog", .released, soldDaysAgo: 5),
            payout("o4", "Delta API", .refunded, soldDaysAgo: 2),
            payout("o5", "Epsilon", .disputed, soldDaysAgo: 6),
        ], totals: [
            PayoutTotal(state: .inReview, count: 1, amount: .usd(1_062_500)),
            PayoutTotal(state: .frozen, count: 1, amount: .usd(1_062_500)),
            PayoutTotal(state: .released, count: 1, amount: .usd(1_062_500)),
            PayoutTotal(state: .refunded, count: 1, amount: .usd(1_062_500)),
            PayoutTotal(state: .disputed, count: 1, amount: .usd(1_062_500)),
        ], now: platformNow)
    }

    private func onboarded(_ complete: Bool, url: String? = nil) -> SellerAccountStatus {
        SellerAccountStatus(stripeAccountId: "acct_1SELLER", detailsSubmitted: complete, chargesEnabled: complete,
                            payoutsEnabled: complete, onboardingURL: url)
    }

    /// A pane with its three answers in; `local` is this machine's clock when the payouts arrived.
    private func loadedPane(seller: SellerAccountStatus, sandbox: Bool = true, local: Date = CheckoutFixtures.t0) -> (PayoutsPane, PaneContext) {
        var pane = PayoutsPane()
        var ctx = F.context(now: local)
        let start = F.requests(pane.start(&ctx))
        XCTAssertEqual(start.map(\.1), [.me, .sellerAccount, .payouts])
        _ = pane.receive(.response(start[0].0, .success(.me(F.me(sandbox: sandbox)))), &ctx)
        _ = pane.receive(.response(start[1].0, .success(.sellerAccount(seller))), &ctx)
        _ = pane.receive(.response(start[2].0, .success(.payouts(response))), &ctx)
        return (pane, ctx)
    }

    func testRendersEveryHoldStateTotalsAndTheCountdownOnThePlatformsClock() {
        // This machine's clock is two days behind the sandbox's; ten minutes pass here after the answer.
        let (pane, _) = loadedPane(seller: onboarded(true))
        assertRendered(F.render(pane, width: 110, height: 12, now: F.t0.addingTimeInterval(600)), """
             ✔ Stripe payouts are set up (acct_1SELLER)
             Held $21,250.00 (2)  ·  Released $10,625.00 (1)  ·  Refunded $10,625.00 (1)  ·  Disputed $10,625.00 (1)

             Sold       Listing           Gross         Fee          Net State     Release
             2027-01-16 Alpha CRM    $12,500.00   $1,875.00   $10,625.00 in review 2d 02h 14m
             2027-01-15 Delta API    $12,500.00   $1,875.00   $10,625.00 refunded  –
             2027-01-13 Beta Shop    $12,500.00   $1,875.00   $10,625.00 frozen    held: deployment failed
             2027-01-12 Gamma Blog   $12,500.00   $1,875.00   $10,625.00 released  2027-01-15
             2027-01-11 Epsilon      $12,500.00   $1,875.00   $10,625.00 disputed  –



            """)
    }

    func testTheCountdownRunsWhileOpen() {
        let (pane, _) = loadedPane(seller: onboarded(true))
        let later = F.render(pane, width: 110, height: 12, now: F.t0.addingTimeInterval(600 + 3 * 3600))
        XCTAssertTrue(later.contains("in review 1d 23h 14m"), later)
        let past = F.render(pane, width: 110, height: 12, now: F.t0.addingTimeInterval(3 * 86_400))
        XCTAssertTrue(past.contains("in review releasing…"), past)
    }

    func testIncompleteOnboardingShowsTheLinkAndItsQRCode() throws {
        let link = "https://connect.stripe.com/setup/e/acct_1SELLER/AbCdEf"
        let (pane, _) = loadedPane(seller: onboarded(false, url: link))
        var canvas = Canvas(width: 120, height: 40)
        pane.render(into: &canvas, area: canvas.bounds, RenderContext(now: F.t0, environment: UIEnvironment(platformLabel: "test")))
        XCTAssertTrue(canvas.text.contains("Stripe onboarding incomplete — details ✖  charges ✖  payouts ✖"), canvas.text)
        XCTAssertTrue(canvas.text.contains("Finish it at: " + link))
        XCTAssertEqual(pane.onboardingQR?.text, link, "encoded once, when the link arrived, and kept in the model")
        let code = try XCTUnwrap(FittingQRCode(link).fitting(width: 118 - 50, height: 40 - 4)?.code)
        let lines = QRHalfBlockRenderer.lines(code)
        let x0 = 1 + 118 - lines[0].count
        for (row, line) in lines.enumerated() {
            let drawn = (x0..<(x0 + line.count)).map { canvas[$0, 4 + row].grapheme }.joined()
            XCTAssertEqual(drawn, line, "QR row \(row)")
        }
        XCTAssertEqual(canvas[x0, 4].style.role, .qrCode)
        // The link is an OSC 8 hyperlink over the URL's own cells (not the label's).
        XCTAssertEqual(canvas.links, [link])
        let runs = HyperlinkOverlay.runs(in: canvas)
        XCTAssertEqual(runs.count, 1)
        if let run = runs.first {
            XCTAssertEqual((run.x..<(run.x + run.width)).map { canvas[$0, run.y].grapheme }.joined(), link)
        }
    }

    /// `y` copies the whole onboarding link (OSC 52) even where the pane shows it cut; without a link it says why not.
    func testYCopiesTheWholeOnboardingLinkEvenWhenTheScreenCutsIt() {
        let link = "https://connect.stripe.com/setup/e/acct_1SELLER/" + String(repeating: "AbCdEf", count: 20)
        var (pane, ctx) = loadedPane(seller: onboarded(false, url: link))
        let narrow = F.render(pane, width: 80, height: 24)
        XCTAssertFalse(narrow.contains(link), "the link is wider than the pane")
        XCTAssertTrue(narrow.contains("Finish it at: https://connect.stripe.com/setup/e/acct_1SELLER/"), narrow)
        XCTAssertTrue(pane.keyMap().contains { $0.action == .copyLink && $0.disabledReason == nil }, "the help offers y")
        let copied = F.press(.char("y"), &pane, &ctx)
        XCTAssertTrue(copied.contains { if case .copy(link) = $0 { true } else { false } }, "\(copied)")

        var (done, c2) = loadedPane(seller: onboarded(true))
        let none = F.press(.char("y"), &done, &c2)
        XCTAssertFalse(none.contains { if case .copy = $0 { true } else { false } }, "nothing to copy once onboarding is complete")
    }

    func testOnboardAndAdvanceClockKeys() {
        var (pane, ctx) = loadedPane(seller: onboarded(false))
        XCTAssertTrue(F.render(pane, width: 110, height: 12).contains("Press o for an onboarding link."))
        let onboard = F.requests(F.press(.char("o"), &pane, &ctx))
        XCTAssertEqual(onboard.map(\.1), [.createSellerAccount])
        _ = pane.receive(.response(onboard[0].0, .success(.sellerAccount(onboarded(false, url: "https://connect.stripe.com/x")))), &ctx)
        XCTAssertEqual(pane.seller?.onboardingURL, "https://connect.stripe.com/x")

        let advance = F.requests(F.press(.char("A"), &pane, &ctx))
        XCTAssertEqual(advance.map(\.1), [.advanceSandboxClock(seconds: 86_400)])
        let reload = F.requests(pane.receive(.response(advance[0].0, .success(.sandboxClock(SandboxClockResponse(now: platformNow, offsetSeconds: 86_400)))), &ctx))
        XCTAssertEqual(reload.map(\.1), [.payouts], "holds may have been released: load again")
        XCTAssertTrue(F.render(pane, width: 110, height: 12).contains("Sandbox clock moved: now 1 day ahead."))

        var (live, c2) = loadedPane(seller: onboarded(true), sandbox: false)
        XCTAssertTrue(F.requests(F.press(.char("A"), &live, &c2)).isEmpty, "not outside the sandbox")
        XCTAssertTrue(F.requests(F.press(.char("o"), &live, &c2)).isEmpty, "onboarding is complete")
    }

    func testRefreshesWhileOpenAndAfterTheClockMovesShowsReleased() {
        var (pane, ctx) = loadedPane(seller: onboarded(true))
        // The refresh timer set when the payouts arrived.
        var probe = PayoutsPane()
        var c = F.context()
        let first = F.requests(probe.start(&c))
        let timers = F.timers(probe.receive(.response(first[2].0, .success(.payouts(response))), &c))
        XCTAssertEqual(timers.count, 1)
        XCTAssertEqual(F.requests(probe.receive(.timerFired(timers[0]), &c)).map(\.1), [.payouts])

        // Three days later on the platform's clock, the review sale is released.
        var moved = response
        moved.payouts[0].state = .released
        moved.payouts[0].releasedAt = platformNow.addingTimeInterval(3 * 86_400)
        moved.now = platformNow.addingTimeInterval(3 * 86_400)
        let refresh = F.requests(F.press(.char("r"), &pane, &ctx))
        let payoutsRequest = refresh.first { $0.1 == .payouts }!.0
        _ = pane.receive(.response(payoutsRequest, .success(.payouts(moved))), &ctx)
        let text = F.render(pane, width: 110, height: 12)
        XCTAssertTrue(text.contains("Alpha CRM    $12,500.00   $1,875.00   $10,625.00 released  2027-01-20"), text)
    }

    func testTotalsAreNeverCutAtEightyColumnsOrNarrower() {
        let (pane, _) = loadedPane(seller: onboarded(true))
        for width in [80, 60, 50] {
            let text = F.render(pane, width: width, height: 14)
            for total in ["Held $21,250.00 (2)", "Released $10,625.00 (1)", "Refunded $10,625.00 (1)", "Disputed $10,625.00 (1)"] {
                XCTAssertTrue(text.contains(total), "\(total) cut at \(width) columns:\n\(text)")
            }
        }
        let lines = PayoutsPane.totalsLines(response.totals, width: 78)
        XCTAssertEqual(lines.count, 2, "wrapped between totals at 80 columns")
    }

    func testAnAccountThatNeverSoldIsOfferedOnboarding() {
        var pane = PayoutsPane()
        var ctx = F.context()
        let start = F.requests(pane.start(&ctx))
        _ = pane.receive(.response(start[1].0, .failure(ServiceFailure(message: "no seller account", code: "not_found"))), &ctx)
        _ = pane.receive(.response(start[2].0, .success(.payouts(PayoutsResponse(payouts: [], totals: [], now: platformNow)))), &ctx)
        let text = F.render(pane, width: 100, height: 10)
        XCTAssertTrue(text.contains("Not set up to receive payouts yet — press o to start Stripe onboarding."), text)
        XCTAssertTrue(text.contains("Until then your listings stay drafts (techflunky package publish --draft)."), text)
        XCTAssertTrue(text.contains("No sales yet."))
        XCTAssertEqual(F.requests(F.press(.char("o"), &pane, &ctx)).map(\.1), [.createSellerAccount])
    }
}
