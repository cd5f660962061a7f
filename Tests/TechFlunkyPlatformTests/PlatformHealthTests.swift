import Foundation
import Hummingbird
import HummingbirdTesting
import TechFlunkyCore
import TechFlunkyHTTP
import XCTest
@testable import TechFlunkyPlatform

/// `GET /api/health`: what it counts and checks, and the one rule that turns that into up, degraded or down.
final class PlatformHealthTests: XCTestCase {
    /// Stripe answers 404 for the probe's charge (as Stripe does for one that does not exist); Cloudflare's host
    /// refuses connections while `cloudflareDown` is set.
    final class Network: HTTPTransport, @unchecked Sendable {
        // @unchecked: `down` and `requests` are only touched under `lock`.
        private let lock = NSLock()
        private var down = false
        private var requests: [String] = []
        private var connects: [String] = []
        struct Refused: Error, CustomStringConvertible { var description: String { "connection refused" } }

        func setCloudflareDown(_ value: Bool) { lock.withLock { down = value } }
        /// As new, for the next engine's run.
        func reset() { lock.withLock { down = false; requests = []; connects = [] } }
        var seen: [String] { lock.withLock { requests } }
        var connected: [String] { lock.withLock { connects } }

        func send(_ request: TechFlunkyHTTP.HTTPRequest) async throws -> TechFlunkyHTTP.HTTPResponse {
            lock.withLock { requests.append(request.url + " " + (request.headers["Authorization"] ?? "no auth")) }
            return TechFlunkyHTTP.HTTPResponse(status: 404, headers: [:], body: Data(#"{"error":{"code":"resource_missing"}}"#.utf8))
        }

        func stream(_ request: TechFlunkyHTTP.HTTPRequest) async throws -> HTTPStreamingResponse { throw Refused() }

        func connect(host: String, port: Int, timeout: TimeInterval) async throws {
            let refuse = lock.withLock { connects.append("\(host):\(port)"); return down }
            if refuse { throw Refused() }
        }
    }

    func testHealthCountsWhatNeedsALookAndNamesIt() async throws {
        let network = Network()
        try await forEachEngine(configure: { harness in
            harness.configuration.httpTransport = network
            harness.configuration.stripeAPIBase = "http://stripe.test"
            harness.configuration.cloudflareAPIBase = "https://cloudflare.test/client/v4"
            harness.configuration.stripeSecretKey = "sk_test_health_probe"
        }) { harness, services, engine in
            network.reset()
            var services = services
            services.reachability = ServiceReachability(connect: network.connect)
            let order = try await Webhook.pendingOrder(services)
            // The seller has finished Stripe onboarding, so the scheduler could release the hold when it is due.
            try await services.accounts.setStripeAccount(accountId: order.sellerId, stripeAccountId: "acct_health_seller")
            try await services.accounts.updateConnectFlags(stripeAccountId: "acct_health_seller", detailsSubmitted: true, chargesEnabled: true, payoutsEnabled: true)
            let buyer = try await XCTUnwrapAsync(try await services.accounts.account(id: order.buyerId))
            let token = try await AccountRoutes.startSession(for: buyer, services: services).token

            let clock = harness.clock
            try await harness.withRouter(services) { client, services in
                func health() async throws -> PlatformHealth {
                    let response = try await client.execute(uri: "/api/health", method: .get, headers: bearer(token))
                    XCTAssertEqual(response.status, .ok)
                    return try response.decoded(PlatformHealth.self)
                }
                let anonymous = try await client.execute(uri: "/api/health", method: .get)
                XCTAssertEqual(anonymous.status, .unauthorized, "the counts are for signed-in accounts")

                var report = try await health()
                XCTAssertEqual(report.status, .ok, "\(report)")
                XCTAssertEqual(report.checks.map(\.name), ["database", "stripe", "cloudflare"])
                XCTAssertTrue(report.checks.allSatisfy(\.ok), "\(report.checks)")
                XCTAssertEqual([report.deploymentsRunning, report.holdsPastDue, report.webhooksRejected], [0, 0, 0])
                XCTAssertTrue(report.sandbox)
                XCTAssertEqual(network.seen, ["http://stripe.test/v1/charges/ch_techflunky_health_probe Bearer sk_test_health_probe"],
                               "one read at Stripe with the platform's key, as every Stripe call is made")
                XCTAssertEqual(network.connected, ["cloudflare.test:443"], "Cloudflare: a connection only (the platform holds no Cloudflare token)")

                // Paid, then the review period passes without a release (no scheduler runs here): past due once the grace is over.
                let paid = try await Webhook.post(client, Webhook.completed("evt_paid"), now: Date())
                XCTAssertEqual(paid.status, .ok)
                clock.advance(by: 3 * 86_400 + PlatformHealth.pastDueGrace - 1)
                let early = try await health()
                XCTAssertEqual(early.holdsPastDue, 0, "not yet: the scheduler gets its minute")
                clock.advance(by: 2)
                // A forged webhook; a deployment running.
                let forged = try await Webhook.post(client, Webhook.completed("evt_forged"), now: Date(), secret: "whsec_not_ours")
                XCTAssertNotEqual(forged.status, .ok)
                let now = services.clock.now()
                let running = Deployment(id: "dep_health1", orderId: order.id, listingSlug: "shop", accountId: "cf_account_1", domain: nil,
                                         state: .running, steps: DeploymentStepKind.allCases.map { DeploymentStep(kind: $0, state: .pending) },
                                         resources: [], url: nil, lastMessage: nil, lastEventId: 0, createdAt: now, updatedAt: now)
                try await services.deployments.store.insert(StoredDeployment(deployment: running, buyerId: order.buyerId), events: [])
                network.setCloudflareDown(true)

                report = try await health()
                XCTAssertEqual(report.holdsPastDue, 1)
                XCTAssertEqual(report.webhooksRejected, 1)
                XCTAssertEqual(report.deploymentsRunning, 1)
                XCTAssertEqual(report.status, .degraded)
                XCTAssertTrue(report.checks.first { $0.name == "cloudflare" }?.ok ?? false, "still the cached answer of a moment ago")
                XCTAssertEqual(report.problems, ["1 hold past due", "1 webhook refused"])
            }
            // A fresh platform (no cache) on the same data finds Cloudflare down.
            // On PostgreSQL: another instance on the same database (its own pool and change feed), as a restarted `serve`.
            var otherPool: PostgresDatabase?
            if let postgres = services.postgres {
                otherPool = try await PostgresDatabase.open(postgres.url, logger: harness.configuration.logger, maximumConnections: 2)
            }
            var reopened = try otherPool.map { try harness.postgresServices(on: $0) } ?? harness.services()
            reopened.reachability = ServiceReachability(connect: network.connect)
            let report = await PlatformHealthProbe.run(reopened)
            XCTAssertEqual(report.status, .degraded)
            XCTAssertEqual(report.checks.first { $0.name == "cloudflare" }?.detail, "connection refused")
            XCTAssertEqual(report.problems, ["Cloudflare unreachable", "1 hold past due"], "refused webhooks are counted per process")
            XCTAssertEqual(report.holdsAwaitingPayouts, 0)

            // The same hold, its seller's payouts switched off (onboarding not finished): the scheduler rightly waits,
            // so it is counted apart and is no alarm.
            try await reopened.accounts.updateConnectFlags(stripeAccountId: "acct_health_seller", detailsSubmitted: true, chargesEnabled: true, payoutsEnabled: false)
            let waiting = await PlatformHealthProbe.run(reopened)
            XCTAssertEqual(waiting.holdsPastDue, 0)
            XCTAssertEqual(waiting.holdsAwaitingPayouts, 1)
            XCTAssertEqual(waiting.problems, ["Cloudflare unreachable"])
            await otherPool?.close()
        }
    }

    func testTheStatusRule() {
        let ok = PlatformHealth.Check(name: "database", ok: true)
        XCTAssertEqual(PlatformHealth.status(checks: [ok], holdsPastDue: 0, webhooksRejected: 0), .ok)
        XCTAssertEqual(PlatformHealth.status(checks: [ok, .init(name: "stripe", ok: false)], holdsPastDue: 0, webhooksRejected: 0), .degraded)
        XCTAssertEqual(PlatformHealth.status(checks: [ok], holdsPastDue: 2, webhooksRejected: 0), .degraded)
        XCTAssertEqual(PlatformHealth.status(checks: [ok], holdsPastDue: 0, webhooksRejected: 1), .degraded)
        XCTAssertEqual(PlatformHealth.status(checks: [.init(name: "database", ok: false)], holdsPastDue: 0, webhooksRejected: 0), .down)
    }
}
