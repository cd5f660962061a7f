import Foundation
import TechFlunkyText
import TechFlunkyClient
import TechFlunkyCore
import XCTest
@testable import TechFlunkyTUI

/// Every pane in its main states, whole screen, at 80×24 and at a narrow 50×16, against `Goldens/` (see
/// `ScreenGolden`). The substring checks in each pane's own tests say what matters; these catch everything else
/// that moves on screen.
final class ScreenGoldenTests: XCTestCase {
    typealias F = CheckoutFixtures
    static let sizes: [(width: Int, height: Int)] = [(80, 24), (50, 16)]

    private func check(_ name: String, file: StaticString = #filePath, line: UInt = #line,
                       _ screen: (_ width: Int, _ height: Int) -> String) {
        for size in Self.sizes {
            ScreenGolden.assert(screen(size.width, size.height), named: "\(name)-\(size.width)x\(size.height)", file: file, line: line)
        }
    }

    // MARK: answers

    static let listings = (0..<30).map { Fixtures.summary($0) }
    static let connectionRefused = ServiceFailure(message: "Could not connect to http://127.0.0.1:9 (connection refused)",
                                                  isConnectionFailure: true)

    /// The platform as the panes see it: a catalog of 30, a signed-in sandbox buyer with no orders.
    static func platform(_ request: ServiceRequest) -> Result<ServiceResponse, ServiceFailure>? {
        switch request {
        case .me: .success(.me(F.me(sandbox: true)))
        case .categories: .success(.categories([CategoryCount(name: "Developer tools", count: 6), CategoryCount(name: "SaaS", count: 24)]))
        case .orders: .success(.orders([]))
        case .listings: .success(.listings(ListingPage(items: listings, nextCursor: nil, total: listings.count)))
        case let .listing(slug): .success(.listing(Fixtures.listing(listings.first { $0.slug == slug } ?? listings[0])))
        default: nil
        }
    }

    // MARK: browse

    func testBrowse() {
        check("browse-loading") { w, h in
            var p = DrivenPane(BrowsePane(), width: w, height: h)
            p.answer { if case .listings = $0 { nil } else { Self.platform($0) } }
            return ScreenGolden.screen(p.pane, width: w, height: h)
        }
        check("browse-loaded") { w, h in
            var p = DrivenPane(BrowsePane(), width: w, height: h)
            p.answer(Self.platform)
            return ScreenGolden.screen(p.pane, width: w, height: h)
        }
        check("browse-empty") { w, h in
            var p = DrivenPane(BrowsePane(), width: w, height: h)
            p.answer { if case .listings = $0 { .success(.listings(ListingPage(items: [], nextCursor: nil, total: 0))) } else { Self.platform($0) } }
            return ScreenGolden.screen(p.pane, width: w, height: h)
        }
        check("browse-error") { w, h in
            var p = DrivenPane(BrowsePane(), width: w, height: h)
            p.answer { if case .listings = $0 { .failure(Self.connectionRefused) } else { Self.platform($0) } }
            return ScreenGolden.screen(p.pane, width: w, height: h)
        }
        check("browse-search") { w, h in
            var p = DrivenPane(BrowsePane(), width: w, height: h)
            p.answer(Self.platform)
            p.press(.char("/"))
            p.type("number 1")
            return ScreenGolden.screen(p.pane, width: w, height: h)
        }
        check("browse-help") { w, h in
            var p = DrivenPane(BrowsePane(), width: w, height: h)
            p.answer(Self.platform)
            return ScreenGolden.screen(p.pane, width: w, height: h) { $0.showingHelp = true }
        }
    }

    // MARK: listing detail

    func testListingDetail() {
        let summary = Self.listings[3]
        check("detail-loading") { w, h in
            let p = DrivenPane(ListingDetailPane(summary: summary), width: w, height: h)
            return ScreenGolden.screen(p.pane, pushed: true, width: w, height: h)
        }
        check("detail-loaded") { w, h in
            var p = DrivenPane(ListingDetailPane(summary: summary), width: w, height: h)
            p.answer(Self.platform)
            return ScreenGolden.screen(p.pane, pushed: true, width: w, height: h)
        }
        check("detail-error") { w, h in
            var p = DrivenPane(ListingDetailPane(summary: summary), width: w, height: h)
            p.answer { _ in .failure(ServiceFailure(message: "no listing listing-3", code: APIErrorCode.notFound)) }
            return ScreenGolden.screen(p.pane, pushed: true, width: w, height: h)
        }
    }

    // MARK: checkout

    func testCheckout() {
        func pane(_ w: Int, _ h: Int) -> DrivenPane<CheckoutPane> {
            var p = DrivenPane(CheckoutPane(listing: F.listing, idempotencyKey: "golden"), width: w, height: h)
            p.answer(Self.platform)
            return p
        }
        check("checkout-review") { w, h in ScreenGolden.screen(pane(w, h).pane, pushed: true, width: w, height: h) }
        check("checkout-creating") { w, h in
            var p = pane(w, h)
            p.press(.enter)
            return ScreenGolden.screen(p.pane, pushed: true, width: w, height: h)
        }
        check("checkout-failed") { w, h in
            var p = pane(w, h)
            p.press(.enter)
            p.answer { _ in .failure(Self.connectionRefused) }
            return ScreenGolden.screen(p.pane, pushed: true, width: w, height: h)
        }
        check("checkout-waiting") { w, h in
            var p = pane(w, h)
            p.press(.enter)
            p.answer { if case .createCheckoutSession = $0 { .success(.checkoutSession(F.session)) } else { nil } }
            return ScreenGolden.screen(p.pane, pushed: true, width: w, height: h, now: F.t0.addingTimeInterval(60))
        }
        check("checkout-paid") { w, h in
            var p = pane(w, h)
            p.press(.enter)
            p.answer { if case .createCheckoutSession = $0 { .success(.checkoutSession(F.session)) } else { nil } }
            p.fireTimers()
            p.answer { if case .order = $0 { .success(.order(F.order(.paid))) } else { nil } }
            return ScreenGolden.screen(p.pane, pushed: true, width: w, height: h, now: F.t0.addingTimeInterval(90))
        }
    }

    // MARK: orders

    static var orders: [Order] {
        func deployment(_ state: DeploymentState, step: DeploymentStepKind? = nil, url: String? = nil, id: String) -> DeploymentSummary {
            DeploymentSummary(id: id, state: state, currentStep: step, url: url, createdAt: F.t0, updatedAt: F.t0)
        }
        return [F.order(.released, deployments: [deployment(.succeeded, url: "https://a.workers.dev", id: "dep_a")], id: "ord_a",
                        title: "Alpha CRM", created: F.t0.addingTimeInterval(-3 * 86_400)),
                F.order(.inReview, deployments: [deployment(.running, step: .uploadWorkers, id: "dep_b")], id: "ord_b",
                        title: "Beta Shop", created: F.t0.addingTimeInterval(-86_400)),
                F.order(.paid, id: "ord_c", title: "Gamma Blog", created: F.t0),
                F.order(.pendingPayment, id: "ord_d", title: "Delta API", created: F.t0.addingTimeInterval(60)),
                F.order(.expired, id: "ord_e", title: "Epsilon", created: F.t0.addingTimeInterval(-10 * 86_400))]
    }

    func testOrders() {
        check("orders-loading") { w, h in
            ScreenGolden.screen(DrivenPane(OrdersPane(), width: w, height: h).pane, tab: .orders, width: w, height: h)
        }
        check("orders-loaded") { w, h in
            var p = DrivenPane(OrdersPane(), width: w, height: h)
            p.answer { if case .orders = $0 { .success(.orders(Self.orders)) } else { nil } }
            return ScreenGolden.screen(p.pane, tab: .orders, width: w, height: h)
        }
        check("orders-empty") { w, h in
            var p = DrivenPane(OrdersPane(), width: w, height: h)
            p.answer(Self.platform)
            return ScreenGolden.screen(p.pane, tab: .orders, width: w, height: h)
        }
        check("orders-error") { w, h in
            var p = DrivenPane(OrdersPane(), width: w, height: h)
            p.answer { _ in .failure(Self.connectionRefused) }
            return ScreenGolden.screen(p.pane, tab: .orders, width: w, height: h)
        }
    }

    // MARK: deploy form

    func testDeployForm() {
        func form(_ w: Int, _ h: Int) -> DrivenPane<DeployFormPane> { DrivenPane(DeployFormPane(order: F.order(.paid)), width: w, height: h) }
        check("deploy-form-empty") { w, h in ScreenGolden.screen(form(w, h).pane, tab: .orders, pushed: true, width: w, height: h) }
        check("deploy-form-problems") { w, h in
            var p = form(w, h)
            p.type("not-an-id")
            p.press(.tab)
            p.press(.tab)
            p.type("https://shop.example.com")
            p.press(.enter)
            return ScreenGolden.screen(p.pane, tab: .orders, pushed: true, width: w, height: h)
        }
        check("deploy-form-submitting") { w, h in
            var p = form(w, h)
            p.type(F.accountId)
            p.press(.tab)
            p.type(F.token)
            p.press(.tab)
            p.type("shop.example.com")
            p.press(.enter)
            return ScreenGolden.screen(p.pane, tab: .orders, pushed: true, width: w, height: h)
        }
        check("deploy-form-refused") { w, h in
            var p = form(w, h)
            p.type(F.accountId)
            p.press(.tab)
            p.type(F.token)
            p.press(.enter)
            p.press(.enter)
            p.answer { _ in .failure(ServiceFailure(message: "This order is already being deployed", code: "conflict")) }
            return ScreenGolden.screen(p.pane, tab: .orders, pushed: true, width: w, height: h)
        }
    }

    // MARK: deploy progress

    static func deployment(_ state: DeploymentState, upTo current: DeploymentStepKind?, currentState: StepState,
                           message: String? = nil, url: String? = nil) -> Deployment {
        let steps = DeploymentStepKind.allCases.map { kind -> DeploymentStep in
            let start = F.t0.addingTimeInterval(Double(kind.number - 1))
            guard let current, kind.number <= current.number else {
                return DeploymentStep(kind: kind, state: current == nil && state == .succeeded ? .succeeded : .pending,
                                      startedAt: current == nil && state == .succeeded ? start : nil,
                                      finishedAt: current == nil && state == .succeeded ? start.addingTimeInterval(1) : nil)
            }
            if kind == current {
                return DeploymentStep(kind: kind, state: currentState, startedAt: start,
                                      finishedAt: currentState == .running ? nil : start.addingTimeInterval(1),
                                      message: currentState == .failed ? message : nil, errorCode: currentState == .failed ? 10013 : nil,
                                      log: ["working on \(kind.rawValue)"])
            }
            return DeploymentStep(kind: kind, state: .succeeded, startedAt: start, finishedAt: start.addingTimeInterval(1),
                                  log: ["working on \(kind.rawValue)"])
        }
        return Deployment(id: "dep_1", orderId: "ord_1", listingSlug: "invoice-bot", accountId: F.accountId, domain: nil, state: state,
                          steps: steps, resources: [], url: url, lastMessage: message, lastEventId: 20, createdAt: F.t0, updatedAt: F.t0)
    }

    func testDeployProgress() {
        func progress(_ w: Int, _ h: Int, _ snapshot: Deployment?) -> DeployProgressPane {
            var p = DrivenPane(DeployProgressPane(deploymentId: "dep_1", listingTitle: "InvoiceBot", initialState: .queued), width: w, height: h)
            if let snapshot { p.answer { if case .deployment = $0 { .success(.deployment(snapshot)) } else { nil } } }
            return p.pane
        }
        let later = F.t0.addingTimeInterval(4.5)
        check("deploy-progress-loading") { w, h in
            ScreenGolden.screen(progress(w, h, nil), tab: .orders, pushed: true, width: w, height: h, now: later)
        }
        check("deploy-progress-running") { w, h in
            ScreenGolden.screen(progress(w, h, Self.deployment(.running, upTo: .uploadWorkers, currentState: .running)),
                                tab: .orders, pushed: true, width: w, height: h, now: later, frame: 3)
        }
        check("deploy-progress-failed") { w, h in
            let failed = Self.deployment(.failed, upTo: .uploadWorkers, currentState: .failed,
                                         message: "Cloudflare refused the Worker upload: script too large (10013)")
            return ScreenGolden.screen(progress(w, h, failed), tab: .orders, pushed: true, width: w, height: h, now: later)
        }
        check("deploy-progress-succeeded") { w, h in
            let done = Self.deployment(.succeeded, upTo: nil, currentState: .succeeded, message: "Live", url: "https://invoice-bot.workers.dev")
            return ScreenGolden.screen(progress(w, h, done), tab: .orders, pushed: true, width: w, height: h, now: F.t0.addingTimeInterval(20))
        }
        check("deploy-progress-quit-confirm") { w, h in
            ScreenGolden.screen(progress(w, h, Self.deployment(.running, upTo: .uploadWorkers, currentState: .running)),
                                tab: .orders, pushed: true, width: w, height: h, now: later) {
                $0.confirmingQuit = "the deployment keeps running on the platform, but you stop following it"
            }
        }
    }

    // MARK: payouts

    static let platformNow = F.t0.addingTimeInterval(2 * 86_400)

    static var payouts: PayoutsResponse {
        func payout(_ id: String, _ title: String, _ state: HoldState, soldDaysAgo: Double, reason: String? = nil) -> Payout {
            let sold = platformNow.addingTimeInterval(-soldDaysAgo * 86_400)
            return Payout(orderId: id, listingSlug: id, listingTitle: title, soldAt: sold, gross: .usd(1_250_000), fee: .usd(187_500),
                          net: .usd(1_062_500), state: state, holdUntil: sold.addingTimeInterval(3 * 86_400),
                          releasedAt: state == .released ? sold.addingTimeInterval(3 * 86_400) : nil,
                          transferId: state == .released ? "tr_1" : nil, reason: reason)
        }
        return PayoutsResponse(payouts: [
            payout("o1", "Alpha CRM", .inReview, soldDaysAgo: 0.9),
            payout("o2", "Beta Shop", .frozen, soldDaysAgo: 4, reason: "deployment failed"),
            payout("o3", "Gamma Blog", .released, soldDaysAgo: 5),
        ], totals: [
            PayoutTotal(state: .inReview, count: 1, amount: .usd(1_062_500)),
            PayoutTotal(state: .frozen, count: 1, amount: .usd(1_062_500)),
            PayoutTotal(state: .released, count: 1, amount: .usd(1_062_500)),
        ], now: platformNow)
    }

    static func seller(onboarded: Bool, url: String? = nil) -> SellerAccountStatus {
        SellerAccountStatus(stripeAccountId: "acct_1SELLER", detailsSubmitted: onboarded, chargesEnabled: onboarded,
                            payoutsEnabled: onboarded, onboardingURL: url)
    }

    func testPayouts() {
        func payouts(_ w: Int, _ h: Int, seller: SellerAccountStatus?, payouts: Result<ServiceResponse, ServiceFailure>?) -> PayoutsPane {
            var p = DrivenPane(PayoutsPane(), width: w, height: h)
            p.answer { request in
                switch request {
                case .me: Self.platform(request)
                case .sellerAccount: seller.map { .success(.sellerAccount($0)) }
                case .payouts: payouts
                default: nil
                }
            }
            return p.pane
        }
        check("payouts-loading") { w, h in
            ScreenGolden.screen(payouts(w, h, seller: nil, payouts: nil), tab: .payouts, width: w, height: h)
        }
        check("payouts-loaded") { w, h in
            ScreenGolden.screen(payouts(w, h, seller: Self.seller(onboarded: true), payouts: .success(.payouts(Self.payouts))),
                                tab: .payouts, width: w, height: h, now: F.t0.addingTimeInterval(600))
        }
        check("payouts-empty") { w, h in
            ScreenGolden.screen(payouts(w, h, seller: Self.seller(onboarded: true),
                                        payouts: .success(.payouts(PayoutsResponse(payouts: [], totals: [], now: Self.platformNow)))),
                                tab: .payouts, width: w, height: h)
        }
        check("payouts-onboarding") { w, h in
            let seller = Self.seller(onboarded: false, url: "https://connect.stripe.com/setup/e/acct_1SELLER/AbCdEf")
            return ScreenGolden.screen(payouts(w, h, seller: seller, payouts: .success(.payouts(Self.payouts))),
                                       tab: .payouts, width: w, height: h, now: F.t0.addingTimeInterval(600))
        }
        // Wide enough for the onboarding link's QR code beside the table.
        let link = Self.seller(onboarded: false, url: "https://connect.stripe.com/setup/e/acct_1SELLER/AbCdEf")
        ScreenGolden.assert(ScreenGolden.screen(payouts(120, 40, seller: link, payouts: .success(.payouts(Self.payouts))),
                                                tab: .payouts, width: 120, height: 40, now: F.t0.addingTimeInterval(600)),
                            named: "payouts-onboarding-qr-120x40")
        check("payouts-error") { w, h in
            ScreenGolden.screen(payouts(w, h, seller: Self.seller(onboarded: true), payouts: .failure(Self.connectionRefused)),
                                tab: .payouts, width: w, height: h)
        }
    }

    // MARK: the app around the panes

    func testTerminalTooSmall() {
        var p = DrivenPane(BrowsePane(), width: 80, height: 24)
        p.answer(Self.platform)
        ScreenGolden.assert(ScreenGolden.screen(p.pane, width: 38, height: 9), named: "too-small-38x9")
    }
}
