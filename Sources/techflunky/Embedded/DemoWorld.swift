import Foundation
import Logging
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyHTTP
import TechFlunkyPlatform
import TechFlunkySandbox

/// Builds the lived-in demo world of the embedded default on its first start, through the same API calls
/// a person's purchases would make: the demo seller's sales end up in every hold state (in review with
/// different times left, released, refunded, disputed) and the demo buyer has a paid order ready to deploy
/// and a finished deployment.
///
/// The marketplace clock starts `DemoWorld.history` in the past and is moved forward between purchases,
/// so hold times come from real payment dates rather than written-in values.
struct DemoWorld {
    static let history: TimeInterval = 5 * 86_400

    let marketplace: LocalMarketplace
    let logger: Logger
    let http = CurlHTTPClient()

    struct Summary: Codable {
        var sales: [String: String] = [:]
        var buyerOrders: [String] = []
        var deployment: String?
        var problems: [String] = []
    }

    func build() async throws -> Summary {
        var summary = Summary()
        let demo = PlatformClient(baseURL: marketplace.apiURL, transport: http)
        try await EmbeddedMarketplace.signInDemo(demo)
        let me = try await demo.me()

        // The seller side: onboarded, so releases can be transferred.
        let seller = try await demo.createSellerAccount()
        if let account = seller.stripeAccountId, !seller.onboardingComplete {
            _ = try await sandboxPOST("/sandbox/accounts/\(account)/complete-onboarding", [:])
        }

        var ownListings: [ListingSummary] = []
        var otherListings: [ListingSummary] = []
        var cursor: String?
        repeat {
            let page = try await demo.listings(ListingQuery(sort: .newest, cursor: cursor, limit: 100))
            for item in page.items {
                if item.seller.id == me.account.id { ownListings.append(item) } else { otherListings.append(item) }
            }
            cursor = page.nextCursor
        } while cursor != nil
        guard !ownListings.isEmpty, otherListings.count >= 2 else {
            throw EmbeddedError.demoWorld("the demo catalog has \(ownListings.count) listings of the demo seller and \(otherListings.count) of others; it needs at least 1 and 2")
        }
        // Cheaper listings first: a buyer's demo purchases should look like ordinary ones.
        ownListings.sort { $0.askingPrice.minorUnits < $1.askingPrice.minorUnits }
        otherListings.sort { $0.askingPrice.minorUnits < $1.askingPrice.minorUnits }

        // (hours before now, what happens after payment) — the clock walks forward through these.
        let plan: [(hoursAgo: Double, outcome: String)] = [
            (118, "released"), (100, "refunded"), (90, "disputed"), (60, "in_review"), (30, "in_review"), (3, "in_review"),
        ]
        // A business sells once: each sale takes a listing off the market, and only a refunded one comes back
        // (it is sold again, first). When the demo seller has no listing left, the rest of the plan sells nothing.
        var forSale = ownListings
        var buyerIndex = 0
        var elapsed: TimeInterval = 0
        for (i, step) in plan.enumerated() {
            try moveClock(to: DemoWorld.history - step.hoursAgo * 3600, elapsed: &elapsed)
            if !forSale.isEmpty {
                let listing = forSale.removeFirst()
                buyerIndex += 1
                do {
                    let buyer = try await demoBuyer(buyerIndex)
                    let order = try await purchase(listing, as: buyer)
                    switch step.outcome {
                    case "refunded":
                        try await trigger("refund", order: order, seller: demo)
                        forSale.insert(listing, at: 0)
                    case "disputed": try await trigger("dispute", order: order, seller: demo)
                    default: break
                    }
                    summary.sales[order.id] = step.outcome
                } catch {
                    summary.problems.append("sale of \(listing.slug): \(error)")
                    logger.warning("demo world: a sale failed", metadata: ["slug": "\(listing.slug)", "error": "\(error)"])
                }
            }
            if i == 3 {
                // The demo buyer's own purchases: one deployed to success, one paid and ready to deploy.
                do {
                    let deployed = try await purchase(otherListings[0], as: demo)
                    summary.buyerOrders.append(deployed.id)
                    summary.deployment = try await deploy(deployed, as: demo)
                } catch {
                    summary.problems.append("demo deployment: \(error)")
                    logger.warning("demo world: the demo deployment failed", metadata: ["error": "\(error)"])
                }
            }
        }
        try moveClock(to: DemoWorld.history - 1 * 3600, elapsed: &elapsed)
        let ready = try await purchase(otherListings[1], as: demo)
        summary.buyerOrders.append(ready.id)
        try moveClock(to: DemoWorld.history, elapsed: &elapsed)
        // The clock moved by hand, past holds the history says were released: run the release scan now (what
        // `sandbox advance` does), so the world is served as it would be, not with a hold "past due" until the
        // scheduler's first round.
        _ = try await demo.advanceSandboxClock(seconds: 0)
        return summary
    }

    /// Moves the marketplace clock so that `target` seconds of the demo history have passed.
    private func moveClock(to target: TimeInterval, elapsed: inout TimeInterval) throws {
        guard target > elapsed else { return }
        marketplace.clock.advance(by: target - elapsed)
        elapsed = target
    }

    private func demoBuyer(_ n: Int) async throws -> PlatformClient {
        let names = ["Ada Mercer", "Bruno Okafor", "Chen Wei", "Dara Lindqvist", "Emil Sørensen", "Farah Haddad", "Gita Rao"]
        let client = PlatformClient(baseURL: marketplace.apiURL, transport: http)
        // Demo buyers never sign in again: their passwords are random and kept nowhere.
        let auth = try await client.signup(email: "buyer\(n)@demo.techflunky.dev", password: LocalMarketplace.randomHex(16),
                                           displayName: names[(n - 1) % names.count])
        client.token = auth.token
        return client
    }

    /// Checkout, pay with the test card in the stand-in, and wait for the webhook to mark the order paid.
    private func purchase(_ listing: ListingSummary, as buyer: PlatformClient) async throws -> Order {
        let session = try await buyer.createCheckoutSession(listingSlug: listing.slug)
        try await buyer.sandboxPay(orderId: session.orderId)
        for _ in 0..<200 {
            let order = try await buyer.order(id: session.orderId)
            if order.state != .pendingPayment { return order }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw EmbeddedError.demoWorld("order \(session.orderId) was not marked paid within 10 s")
    }

    /// A refund or dispute on the order's charge, as `stripe trigger` would cause; waits for the webhook.
    private func trigger(_ event: String, order: Order, seller: PlatformClient) async throws {
        guard let sessionId = order.checkoutSessionId else { throw EmbeddedError.demoWorld("order \(order.id) has no checkout session") }
        let session = try await stripeGET("/v1/checkout/sessions/\(sessionId)?expand[]=payment_intent")
        guard let intent = session["payment_intent"] as? [String: Any], let charge = intent["latest_charge"] as? String else {
            throw EmbeddedError.demoWorld("checkout session \(sessionId) has no charge")
        }
        _ = try await sandboxPOST("/sandbox/trigger/\(event)", ["charge": charge])
        let expected: OrderState = event == "refund" ? .refunded : .disputed
        for _ in 0..<200 {
            let payouts = try await seller.payouts()
            if let p = payouts.payouts.first(where: { $0.orderId == order.id }), p.state.rawValue == expected.rawValue { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw EmbeddedError.demoWorld("order \(order.id) did not become \(expected.rawValue)")
    }

    /// Deploys into the sandbox's demo Cloudflare account and waits for the deployment to finish.
    private func deploy(_ order: Order, as buyer: PlatformClient) async throws -> String {
        let credentials = DemoWorld.sandboxCloudflareCredentials
        let accepted = try await buyer.deploy(DeployRequest(orderId: order.id, cloudflare: credentials))
        for _ in 0..<1200 {
            let d = try await buyer.deployment(id: accepted.deploymentId)
            if d.state.isFinal {
                guard d.state == .succeeded else { throw EmbeddedError.demoWorld("demo deployment ended \(d.state.rawValue): \(d.lastMessage ?? "")") }
                return d.id
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw EmbeddedError.demoWorld("demo deployment did not finish within a minute")
    }

    /// The sandbox's demo Cloudflare account and a token for it (the stand-in seeds them on first start).
    static var sandboxCloudflareCredentials: CloudflareCredentials {
        CloudflareCredentials(accountId: SandboxServer.demoCloudflareAccountId, apiToken: CloudflareAPIToken(SandboxServer.demoCloudflareToken))
    }

    // MARK: Talking to the stand-ins

    private func stripeGET(_ path: String) async throws -> [String: Any] {
        try await json(HTTPRequest(url: marketplace.sandbox.stripeAPIBase + path,
                                   headers: ["Authorization": "Bearer \(marketplace.stripeSecretKey)"]))
    }

    private func sandboxPOST(_ path: String, _ body: [String: String]) async throws -> [String: Any] {
        try await json(HTTPRequest(method: .POST, url: marketplace.sandbox.baseURL + path,
                                   headers: ["Content-Type": "application/json"],
                                   body: try JSONSerialization.data(withJSONObject: body)))
    }

    private func json(_ request: HTTPRequest) async throws -> [String: Any] {
        let response = try await http.send(request)
        guard (200..<300).contains(response.status),
              let object = try JSONSerialization.jsonObject(with: response.body) as? [String: Any] else {
            throw EmbeddedError.demoWorld("\(request.method.rawValue) \(request.url) answered \(response.status): \(String(decoding: response.body.prefix(300), as: UTF8.self))")
        }
        return object
    }
}
