import Foundation
import TechFlunkyCore
import XCTest
@testable import TechFlunkyTUI

/// Every part-2 pane, in a loaded state, drawn into areas from tiny to narrow: nothing traps, nothing is
/// drawn outside the area, and long URLs never spill past the right edge.
final class OrdersSmallTerminalTests: XCTestCase {
    typealias F = CheckoutFixtures

    private func panes() -> [any Pane] {
        var ctx = F.context()
        var checkout = CheckoutPane(listing: F.listing, idempotencyKey: "k")
        let create = F.requests(F.press(.enter, &checkout, &ctx))[0].0
        _ = checkout.receive(.response(create, .success(.checkoutSession(F.session))), &ctx)
        var progress = DeployProgressPane(deploymentId: "dep_1", listingTitle: String(repeating: "Very long title ", count: 20))
        let load = F.requests(progress.start(&ctx))[0].0
        _ = progress.receive(.response(load, .success(.deployment(Deployment(
            id: "dep_1", orderId: "ord_1", listingSlug: "x", accountId: F.accountId, domain: "shop.example.com", state: .failed,
            steps: [DeploymentStep(kind: .verifyCredentials, state: .failed, message: String(repeating: "error ", count: 100), errorCode: 1000,
                                   log: (0..<50).map { "line \($0)" })],
            resources: [], url: nil, lastMessage: nil, lastEventId: 3, createdAt: F.t0, updatedAt: F.t0)))), &ctx)
        _ = F.press(.char("r"), &progress, &ctx)  // with the token prompt open
        var payouts = PayoutsPane()
        let starts = F.requests(payouts.start(&ctx))
        _ = payouts.receive(.response(starts[1].0, .success(.sellerAccount(SellerAccountStatus(
            stripeAccountId: "acct_1", detailsSubmitted: false, chargesEnabled: false, payoutsEnabled: false,
            onboardingURL: "https://connect.stripe.com/setup/e/acct_1/" + String(repeating: "x", count: 150))))), &ctx)
        return [checkout, DeployFormPane(order: F.order(.paid)), progress,
                OrdersPane(orders: [F.order(.paid), F.order(.pendingPayment, id: "o2")]), payouts]
    }

    func testPanesDrawInsideTinyAndNarrowAreas() {
        for pane in panes() {
            for (w, h) in [(1, 1), (5, 3), (20, 5), (40, 10), (60, 20), (200, 60)] {
                var canvas = Canvas(width: w + 4, height: h + 4)
                let area = Rect(x: 2, y: 2, width: w, height: h)
                pane.render(into: &canvas, area: area, RenderContext(now: F.t0, environment: UIEnvironment(platformLabel: "test")))
                for y in 0..<canvas.height {
                    for x in 0..<canvas.width where !area.contains(x: x, y: y) {
                        XCTAssertEqual(canvas[x, y].grapheme, " ", "\(pane.kind) at \(w)×\(h) drew outside its area at (\(x), \(y))")
                    }
                }
            }
        }
    }
}
