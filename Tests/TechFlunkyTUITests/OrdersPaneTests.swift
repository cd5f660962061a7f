import Foundation
import TechFlunkyClient
import TechFlunkyCore
import XCTest
@testable import TechFlunkyTUI

final class OrdersPaneTests: XCTestCase {
    typealias F = CheckoutFixtures

    private func deployment(_ state: DeploymentState, step: DeploymentStepKind? = nil, url: String? = nil, id: String = "dep_1") -> DeploymentSummary {
        DeploymentSummary(id: id, state: state, currentStep: step, url: url, createdAt: F.t0, updatedAt: F.t0)
    }

    private var sample: [Order] {
        [F.order(.released, deployments: [deployment(.succeeded, url: "https://a.workers.dev")], id: "ord_a", title: "Alpha CRM",
                 created: F.t0.addingTimeInterval(-3 * 86_400)),
         F.order(.inReview, deployments: [deployment(.running, step: .uploadWorkers, id: "dep_b")], id: "ord_b", title: "Beta Shop",
                 created: F.t0.addingTimeInterval(-86_400)),
         F.order(.paid, id: "ord_c", title: "Gamma Blog", created: F.t0),
         F.order(.pendingPayment, id: "ord_d", title: "Delta API", created: F.t0.addingTimeInterval(60)),
         F.order(.expired, id: "ord_e", title: "Epsilon", created: F.t0.addingTimeInterval(-10 * 86_400))]
    }

    private func loadedPane() -> (OrdersPane, PaneContext) {
        var pane = OrdersPane()
        var ctx = F.context()
        let load = F.requests(pane.start(&ctx))
        XCTAssertEqual(load.map(\.1), [.orders])
        let after = pane.receive(.response(load[0].0, .success(.orders(sample))), &ctx)
        XCTAssertEqual(F.timers(after).count, 1, "refreshes while open")
        return (pane, ctx)
    }

    func testRendersOrdersNewestFirstWithPaymentAndDeploymentState() {
        let (pane, _) = loadedPane()
        assertRendered(F.render(pane, width: 100, height: 9), """
             Your orders (5)
             Date       Listing          Amount Payment          Deployment
             2027-01-15 Delta API    $12,500.00 Awaiting payment –
             2027-01-15 Gamma Blog   $12,500.00 Paid             not deployed
             2027-01-14 Beta Shop    $12,500.00 Paid · in review running · step 5/9
             2027-01-12 Alpha CRM    $12,500.00 Paid · released  live · https://a.workers.dev
             2027-01-05 Epsilon      $12,500.00 Expired          –


            """)
    }

    func testEnterWatchesTheDeploymentOrOpensDeployOrCheckoutByState() {
        var (pane, ctx) = loadedPane()
        func open() -> (any Pane)? {
            if case let .push(next)? = F.press(.enter, &pane, &ctx).first { return next }
            return nil
        }
        XCTAssertEqual(open()?.kind, .checkout, "unpaid: back to its checkout")
        _ = F.press(.down, &pane, &ctx)
        XCTAssertEqual((open() as? DeployFormPane)?.orderId, "ord_c", "paid, not deployed: the deploy form")
        _ = F.press(.down, &pane, &ctx)
        XCTAssertEqual((open() as? DeployProgressPane)?.deploymentId, "dep_b", "deployed: watch (re-attach to) the deployment")
        _ = F.press(.char("G"), &pane, &ctx)
        XCTAssertNil(open(), "an expired order has nothing to open")
        XCTAssertEqual(pane.table.selected, 4)
    }

    func testARefreshKeepsTheSelectedOrder() {
        var (pane, ctx) = loadedPane()
        _ = F.press(.down, &pane, &ctx)
        _ = F.press(.down, &pane, &ctx)
        XCTAssertEqual(pane.orders[pane.table.selected].id, "ord_b")
        let refresh = F.requests(F.press(.char("r"), &pane, &ctx))
        var more = sample
        more.append(F.order(.pendingPayment, id: "ord_new", title: "Newest", created: F.t0.addingTimeInterval(3600)))
        _ = pane.receive(.response(refresh[0].0, .success(.orders(more))), &ctx)
        XCTAssertEqual(pane.orders[pane.table.selected].id, "ord_b")
    }

    func testLoadingEmptyAndErrorStates() {
        var pane = OrdersPane()
        var ctx = F.context()
        let load = F.requests(pane.start(&ctx))
        XCTAssertTrue(F.render(pane, width: 80, height: 5).contains("Loading your orders…"))
        _ = pane.receive(.response(load[0].0, .failure(ServiceFailure(message: "cannot reach http://127.0.0.1:1", isConnectionFailure: true))), &ctx)
        XCTAssertTrue(F.render(pane, width: 80, height: 5).contains("Could not load your orders: cannot reach http://127.0.0.1:1"))
        let retry = F.requests(F.press(.char("r"), &pane, &ctx))
        _ = pane.receive(.response(retry[0].0, .success(.orders([]))), &ctx)
        XCTAssertTrue(F.render(pane, width: 80, height: 5).contains("No orders yet."))
    }
}
