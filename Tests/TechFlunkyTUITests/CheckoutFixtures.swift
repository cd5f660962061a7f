import Foundation
import TechFlunkyClient
import TechFlunkyCore
import XCTest
@testable import TechFlunkyTUI

/// Values and helpers shared by the part-2 pane tests (checkout, deploy, orders, payouts).
enum CheckoutFixtures {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15 08:00 UTC

    static let listing = ListingSummary(
        id: "lst_1", slug: "invoice-bot", title: "InvoiceBot — invoices from email", tagline: "Turns emails into invoices",
        category: "SaaS", askingPrice: .usd(1_250_000), monthlyRevenue: .usd(180_000), monthlyProfit: .usd(120_000),
        ageMonths: 26, techStack: ["Workers", "D1"], monthlyVisitors: 12_000,
        seller: SellerSummary(id: "sel_1", displayName: "Ada"), createdAt: t0)

    static let session = CheckoutSessionResponse(
        orderId: "ord_1", sessionId: "cs_test_1", checkoutURL: "http://127.0.0.1:4242/checkout/cs_test_1",
        amount: .usd(1_250_000), platformFee: .usd(187_500), sellerShare: .usd(1_062_500), holdDays: 3,
        expiresAt: t0.addingTimeInterval(30 * 60))

    static func order(_ state: OrderState, deployments: [DeploymentSummary] = [], id: String = "ord_1",
                      title: String = "InvoiceBot — invoices from email", created: Date = t0) -> Order {
        Order(id: id, listingSlug: "invoice-bot", listingTitle: title, buyerId: "acct_b", sellerId: "sel_1", state: state,
              amount: .usd(1_250_000), platformFee: .usd(187_500), sellerShare: .usd(1_062_500),
              checkoutSessionId: "cs_test_1", checkoutURL: "http://127.0.0.1:4242/checkout/cs_test_1", createdAt: created,
              paidAt: state == .pendingPayment || state == .expired ? nil : created.addingTimeInterval(60),
              holdUntil: nil, releasedAt: nil, deployments: deployments)
    }

    static let accountId = "0123456789abcdef0123456789abcdef"
    static let token = "cf_TOKEN_" + String(repeating: "Z", count: 31)

    static func me(sandbox: Bool) -> MeResponse {
        MeResponse(account: Account(id: "acct_b", email: "demo@techflunky.dev", displayName: "Demo", createdAt: t0),
                   seller: nil, sandbox: sandbox)
    }

    static func context(nextID: Int = 100, now: Date = t0, width: Int = 100, height: Int = 30) -> PaneContext {
        PaneContext(nextID: nextID, now: now, area: Rect(x: 0, y: 2, width: width, height: height),
                    environment: UIEnvironment(platformLabel: "test"))
    }

    /// The pane drawn alone into a canvas of the given size, as text (trailing spaces trimmed).
    static func render(_ pane: some Pane, width: Int = 100, height: Int = 30, now: Date = t0, frame: Int = 0) -> String {
        var canvas = Canvas(width: width, height: height)
        pane.render(into: &canvas, area: canvas.bounds,
                    RenderContext(now: now, frame: frame, environment: UIEnvironment(platformLabel: "test")))
        return canvas.text
    }

    /// The requests among commands.
    static func requests(_ commands: [PaneCommand]) -> [(RequestID, ServiceRequest)] {
        commands.compactMap { if case let .request(id, r) = $0 { (id, r) } else { nil } }
    }

    static func timers(_ commands: [PaneCommand]) -> [TimerID] {
        commands.compactMap { if case let .timer(id, _) = $0 { id } else { nil } }
    }

    /// Sends a key through the pane's key map (as `AppUpdate` does), then its text handler.
    static func press<P: Pane>(_ key: Key, _ pane: inout P, _ ctx: inout PaneContext) -> [PaneCommand] {
        if let commands = pane.handleBoundKey(key, &ctx) { return commands }
        return pane.handleText(key, &ctx) ?? []
    }

    static func type<P: Pane>(_ text: String, _ pane: inout P, _ ctx: inout PaneContext) {
        for c in text { _ = press(.char(c), &pane, &ctx) }
    }
}

/// Compares rendered text and, on a mismatch, prints the whole actual rendering so it can be inspected.
func assertRendered(_ actual: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
    if actual != expected {
        XCTFail("rendering differs:\n--- actual ---\n\(actual)\n--- expected ---\n\(expected)", file: file, line: line)
    }
}

/// The browse tests' catalog double does not sell or deploy; the part-2 pane tests drive those calls by hand.
extension InMemoryMarketplace {
    private func notHere(_ what: String) -> ServiceFailure {
        ServiceFailure(message: "\(what) is not part of the in-memory catalog", code: "not_in_test_double")
    }

    /// The catalog's answers as `PlatformClient.perform` gives them; what the catalog does not hold is refused, so
    /// a request added to `ServiceRequest` needs nothing here.
    func perform(_ request: ServiceRequest) async throws -> ServiceResponse {
        switch request {
        case .me: .me(try await me())
        case let .listings(query): .listings(try await listings(query))
        case let .listing(slug): .listing(try await listing(slug: slug))
        case .categories: .categories(try await categories())
        // What the test says the buyer bought (nothing unless `setBought`).
        case .orders: .orders(bought)
        case .payouts: .payouts(PayoutsResponse(payouts: [], totals: [], now: Date(timeIntervalSince1970: 1_700_000_000)))
        case .platformHealth:
            if let health { .platformHealth(health) } else { throw notHere("platformHealth") }
        // Checkout, deployments, seller accounts, the sandbox, and any request added later.
        // Named by its case only: a deploy request carries the buyer's token.
        default: throw notHere(String(String(describing: request).prefix { $0 != "(" }))
        }
    }

    nonisolated func deploymentUpdates(id: String, after: Int) -> AsyncThrowingStream<DeploymentStreamUpdate, any Error> {
        AsyncThrowingStream { $0.finish(throwing: ServiceFailure(message: "deployment events are not part of the in-memory catalog")) }
    }
}
