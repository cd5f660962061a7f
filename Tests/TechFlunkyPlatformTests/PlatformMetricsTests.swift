import Foundation
import GRDB
import Logging
import TechFlunkyCore
import TechFlunkyHTTP
import TechFlunkySandbox
import XCTest
@testable import TechFlunkyPlatform

/// Reads one sample out of Prometheus' text format: `name{labels} value`, labels in any order.
struct PrometheusText {
    let text: String

    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            let series = line[..<space], number = line[line.index(after: space)...]
            var seriesName = Substring(series), found: [String: String] = [:]
            if let brace = series.firstIndex(of: "{") {
                seriesName = series[..<brace]
                let inner = series[series.index(after: brace)..<(series.lastIndex(of: "}") ?? series.endIndex)]
                for pair in inner.split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2 else { continue }
                    found[String(parts[0])] = String(parts[1].dropFirst().dropLast())
                }
            }
            if seriesName == name, found == labels { return Double(number) }
        }
        return nil
    }
}

/// `GET /metrics` after real journeys shows the journeys' numbers.
final class PlatformMetricsTests: XCTestCase {
    /// A purchase over loopback with the Stripe stand-in, the metrics listener on its own loopback port:
    /// requests per route and status, checkouts created and paid, webhooks received / rejected / deduplicated,
    /// the hold by state, the payout released with its amount, the catalog's size.
    func testAPurchaseJourneyShowsInMetrics() async throws {
        try await forEachServerEngine { engine in
            var harness = try PlatformTestHarness()
            defer { harness.cleanUp() }
            let clock = MovableClock()
            var quiet = Logger(label: "test.sandbox")
            quiet.logLevel = .error
            let sandbox = try await SandboxServer.start(SandboxConfiguration(
                dataDir: harness.directory.appendingPathComponent("sandbox"), stripeWebhookSecret: "whsec_test_secret",
                stripeSecretKey: "sk_test_platform", logger: quiet, clock: MovableClock(following: clock)))
            harness.configuration.clock = clock
            harness.configuration.stripeAPIBase = sandbox.stripeAPIBase
            harness.configuration.stripeSecretKey = "sk_test_platform"
            harness.configuration.httpTransport = CurlHTTPClient()
            harness.configuration.metricsPort = 0
            try await harness.use(engine)
            let platform = try await PlatformServer.start(harness.configuration)
            XCTAssertEqual(platform.services.postgres != nil, engine == .postgres, "the platform runs on the engine asked for")
            await sandbox.setStripeWebhook(url: platform.baseURL + "/api/checkout/webhook", secret: "whsec_test_secret")
            let live = PurchaseFlowTests.Live(harness: harness, sandbox: sandbox, platform: platform)
            let services = platform.services
            let metricsPort = try XCTUnwrap(platform.metricsPort)
            XCTAssertNotEqual(metricsPort, platform.port)

            let seller = try await live.signUp("seller@example.com")
            try await CatalogFixtures.list(services, slug: "shop", seller: seller.account, CatalogFixtures.details(title: "Shop", price: 12_345))
            try await CatalogFixtures.list(services, slug: "mill", seller: seller.account, CatalogFixtures.details(title: "Mill", price: 5_000))
            let account = try WireJSON.decode(SellerAccountStatus.self, from: try await live.call(.POST, "/api/seller/create-account", token: seller.token).body)
            _ = try await live.http.send(TechFlunkyHTTP.HTTPRequest(
                method: .POST, url: "\(sandbox.baseURL)/sandbox/accounts/\(try XCTUnwrap(account.stripeAccountId))/complete-onboarding"))
            try await live.eventually("onboarding") { try await services.accounts.sellerState(accountId: seller.account.id).onboardingComplete }
            let buyer = try await live.signUp("buyer@example.com")
            for _ in 0..<3 { _ = try await live.call(.GET, "/api/listings/shop") }
            for _ in 0..<2 { _ = try await live.call(.GET, "/api/listings?limit=5") }
            XCTAssertEqual(services.listingPages.fastHits, 1, "the second page came from the cache on the connection")
            _ = try await live.call(.GET, "/api/listings/nothing-here")
            let created = try await live.call(.POST, "/api/checkout/create-session", token: buyer.token, json: #"{"listingSlug":"shop"}"#)
            let session = try WireJSON.decode(CheckoutSessionResponse.self, from: created.body)
            // Asking again hands the open checkout back: not a second checkout.
            _ = try await live.call(.POST, "/api/checkout/create-session", token: buyer.token, json: #"{"listingSlug":"shop"}"#)
            let pay = try await live.call(.POST, "/api/sandbox/pay", token: buyer.token, json: #"{"orderId":"\#(session.orderId)"}"#)
            XCTAssertEqual(pay.status, 200)
            try await live.eventually("payment") { try await services.orders.order(id: session.orderId)?.state == .inReview }

            // A forged delivery, one with no signature, and one event delivered twice.
            let event = #"{"id":"evt_twice","object":"event","type":"customer.created","created":1,"data":{"object":{"id":"cus_1"}}}"#
            let forged = StripeSignature.sign(payload: Data(event.utf8), timestamp: Int64(Date().timeIntervalSince1970), secret: "whsec_forged")
            let refusedForged = try await live.call(.POST, "/api/checkout/webhook", json: event,
                                                    headers: [("Stripe-Signature", "t=\(Int64(Date().timeIntervalSince1970)),v1=\(forged)")])
            XCTAssertEqual(refusedForged.status, 400)
            let unsigned = try await live.call(.POST, "/api/checkout/webhook", json: event)
            XCTAssertEqual(unsigned.status, 400)
            for _ in 0..<2 {
                let t = Int64(Date().timeIntervalSince1970)
                let signature = StripeSignature.sign(payload: Data(event.utf8), timestamp: t, secret: "whsec_test_secret")
                let r = try await live.call(.POST, "/api/checkout/webhook", json: event, headers: [("Stripe-Signature", "t=\(t),v1=\(signature)")])
                XCTAssertEqual(r.status, 200)
            }

            var text = try await scrape(live, port: metricsPort)
            XCTAssertEqual(text.value("techflunky_payout_holds", ["state": "in_review"]), 1)
            XCTAssertEqual(text.value("techflunky_payout_holds_past_due"), 0)

            // Past the hold: released once, for the seller's share.
            _ = try await live.call(.POST, "/api/sandbox/advance", token: buyer.token, json: #"{"seconds":\#(3 * 86_400 + 60)}"#)
            let released = try await services.orders.order(id: session.orderId)?.state
            XCTAssertEqual(released, .released)

            text = try await scrape(live, port: metricsPort)
            XCTAssertEqual(text.value("techflunky_checkouts_created_total"), 1)
            XCTAssertEqual(text.value("techflunky_checkouts_paid_total"), 1)
            XCTAssertEqual(text.value("techflunky_webhooks_rejected_total", ["reason": "signature_mismatch"]), 1)
            XCTAssertEqual(text.value("techflunky_webhooks_rejected_total", ["reason": "missing_signature"]), 1)
            XCTAssertEqual(text.value("techflunky_webhooks_deduplicated_total"), 1)
            XCTAssertEqual(text.value("techflunky_webhooks_received_total", ["type": "customer.created"]), 2)
            XCTAssertEqual(text.value("techflunky_webhooks_received_total", ["type": "checkout.session.completed"]), 1)
            XCTAssertEqual(text.value("techflunky_payouts_released_total", ["currency": "USD"]), 1)
            XCTAssertEqual(text.value("techflunky_payouts_released_minor_units_total", ["currency": "USD"]), 10_493)
            XCTAssertEqual(text.value("techflunky_payout_holds", ["state": "released"]), 1)
            XCTAssertEqual(text.value("techflunky_payout_holds", ["state": "in_review"]), 0)
            // The one bought is sold: it left the catalog.
            XCTAssertEqual(text.value("techflunky_catalog_listings"), 1)
            XCTAssertEqual(text.value("techflunky_http_requests_total", ["method": "POST", "route": "/api/checkout/create-session", "status": "200"]), 2)
            XCTAssertEqual(text.value("techflunky_http_requests_total", ["method": "GET", "route": "/api/listings/{slug}", "status": "200"]), 3)
            XCTAssertEqual(text.value("techflunky_http_requests_total", ["method": "GET", "route": "/api/listings/{slug}", "status": "404"]), 1)
            XCTAssertEqual(text.value("techflunky_http_requests_total", ["method": "POST", "route": "/api/checkout/webhook", "status": "400"]), 2)
            XCTAssertEqual(text.value("techflunky_http_request_duration_seconds_count", ["method": "GET", "route": "/api/listings/{slug}"]), 4)
            XCTAssertEqual(text.value("techflunky_http_requests_total", ["method": "GET", "route": "/api/listings", "status": "200"]), 2,
                           "a page-cache hit counts in the route's series")
            XCTAssertTrue(text.text.contains("# TYPE techflunky_http_request_duration_seconds histogram"), text.text)

            // The metrics listener serves only /metrics; the API port serves no metrics.
            let elsewhere = try await live.http.send(TechFlunkyHTTP.HTTPRequest(method: .GET, url: "http://127.0.0.1:\(metricsPort)/api/me"))
            XCTAssertEqual(elsewhere.status, 404)
            let onTheAPIPort = try await live.call(.GET, "/metrics")
            XCTAssertEqual(onTheAPIPort.status, 404)
            await live.stop()
        }
    }

    /// Deployments against the Cloudflare stand-in: one succeeds, one fails at the buckets step with
    /// Cloudflare's code and is rolled back.
    func testDeploymentsShowInMetrics() async throws {
        try await forEachDeploymentStore { store, _ in
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("deploy-metrics-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: dir) }
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            var quiet = Logger(label: "test.sandbox")
            quiet.logLevel = .error
            let sandbox = try await SandboxServer.start(SandboxConfiguration(dataDir: dir.appendingPathComponent("sandbox"), logger: quiet))
            let accountId = SandboxServer.demoCloudflareAccountId
            let credentials = CloudflareCredentials(accountId: accountId, apiToken: CloudflareAPIToken(try sandbox.createCloudflareToken(accountId: accountId)))
            let metrics = PlatformMetrics()
            let orders = DeploymentTestOrders()
            let http = CurlHTTPClient()
            let orchestrator = DeploymentOrchestrator(
                store: store, publisher: MeteredDeploymentPublisher(wrapping: DeploymentEventHub(), metrics: metrics),
                clock: SystemClock(), orders: orders,
                configuration: .init(cloudflareAPIBase: sandbox.cloudflareAPIBase, transport: http, retry: .init(maxAttempts: 2, baseDelay: 0.01, maxDelay: 0.02),
                                     smokeCheck: .init(attempts: 2, delay: 0.01,
                                                       rewrite: DeploymentOrchestrator.sandboxSmokeCheckRewrite(sandboxBaseURL: sandbox.baseURL))),
                logger: quiet)
            func deploy(_ orderId: String) async throws -> Deployment {
                let bundle = dir.appendingPathComponent("bundle-\(orderId)")
                try DeploymentTestBundle.write(to: bundle)
                await orders.add(DeployableOrder(id: orderId, buyerId: "acct_buyer", listingSlug: "shop", state: .paid, bundleDirectory: bundle))
                let started = try await orchestrator.start(DeployRequest(orderId: orderId, cloudflare: credentials, domain: nil), buyerId: "acct_buyer")
                await orchestrator.waitUntilIdle(started.id)
                return try await orchestrator.deployment(id: started.id, buyerId: "acct_buyer")
            }
            let good = try await deploy("ord_1a2b3c4d5e")
            XCTAssertEqual(good.state, .succeeded, good.lastMessage ?? "")
            _ = sandbox.injectFault(SandboxFault(match: "POST /accounts/*/r2/buckets", status: 500, code: 10013, message: "injected", times: nil))
            let bad = try await deploy("ord_9f8e7d6c5b")
            XCTAssertEqual(bad.state, .failed)
            sandbox.faults.clear()
            _ = try await orchestrator.rollback(deploymentId: bad.id, buyerId: "acct_buyer", credentials: credentials)
            await orchestrator.waitUntilIdle(bad.id)
            let rolledBack = try await orchestrator.deployment(id: bad.id, buyerId: "acct_buyer")
            XCTAssertEqual(rolledBack.state, .rolledBack)
            await sandbox.stop()

            let text = PrometheusText(text: metrics.exposition())
            XCTAssertEqual(text.value("techflunky_deployments_total", ["event": "started"]), 2)
            XCTAssertEqual(text.value("techflunky_deployments_total", ["event": "succeeded"]), 1)
            XCTAssertEqual(text.value("techflunky_deployments_total", ["event": "failed"]), 1)
            XCTAssertEqual(text.value("techflunky_deployments_total", ["event": "rolled_back"]), 1)
            XCTAssertEqual(text.value("techflunky_deployment_step_failures_total", ["step": "create_buckets", "cloudflare_code": "10013"]), 1)
            XCTAssertEqual(text.value("techflunky_deployment_step_duration_seconds_count", ["step": "verify_credentials", "outcome": "succeeded"]), 2)
            XCTAssertEqual(text.value("techflunky_deployment_step_duration_seconds_count", ["step": "create_buckets", "outcome": "failed"]), 1)
            XCTAssertEqual(text.value("techflunky_deployment_step_duration_seconds_count", ["step": "post_deploy", "outcome": "succeeded"]), 1)
        }
    }

    /// The SSE watchers gauge goes up while a deployment's event stream is open and back down when it closes.
    func testSSEWatchersAreCountedWhileConnected() async throws {
        try await forEachServerEngine { engine in
            var harness = try PlatformTestHarness()
            defer { harness.cleanUp() }
            harness.configuration.metricsPort = 0
            // A gone watcher is noticed at the second write after it left: heartbeats often, so that is soon.
            harness.configuration.sseHeartbeatInterval = 0.2
            try await harness.use(engine)
            let platform = try await PlatformServer.start(harness.configuration)
            XCTAssertEqual(platform.services.postgres != nil, engine == .postgres, "the platform runs on the engine asked for")
            let services = platform.services
            let http = CurlHTTPClient()
            let buyer = try await CatalogFixtures.seller(services, email: "watcher@example.com")
            let token = "tok_watcher_test"
            try await services.accounts.createSession(accountId: buyer.id, tokenHash: SessionToken.hash(token), now: services.clock.now(),
                                                      expiresAt: services.clock.now().addingTimeInterval(3600))
            // Let start-up recovery run first (it marks running deployments interrupted), then add a running one.
            _ = try await http.send(TechFlunkyHTTP.HTTPRequest(method: .GET, url: platform.baseURL + "/api/deploy?deploymentId=dep_none",
                                                               headers: ["Authorization": "Bearer \(token)"]))
            let now = services.clock.now()
            let deployment = Deployment(id: "dep_watch1", orderId: "ord_watch", listingSlug: "shop", accountId: "cf", domain: nil, state: .running,
                                        steps: DeploymentStepKind.allCases.map { DeploymentStep(kind: $0) }, resources: [], url: nil,
                                        lastMessage: "Deploying", lastEventId: 1, createdAt: now, updatedAt: now)
            try await services.deployments.store.insert(
                StoredDeployment(deployment: deployment, buyerId: buyer.id),
                events: [DeploymentEvent(seq: 1, deploymentId: deployment.id, kind: .deployment, at: now, state: .running, message: "Deploying")])

            func watchers() async throws -> Double? {
                let response = try await http.send(TechFlunkyHTTP.HTTPRequest(method: .GET, url: "http://127.0.0.1:\(platform.metricsPort!)/metrics"))
                return PrometheusText(text: String(decoding: response.body, as: UTF8.self)).value("techflunky_sse_watchers")
            }
            // A plain socket, so closing it is certainly the client going away.
            let fd = try connectLoopback(port: platform.port)
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let request = "GET /api/deploy/dep_watch1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\n\r\n"
            _ = request.withCString { send(fd, $0, strlen($0), 0) }
            var received = ""
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !received.contains("id: 1") {
                let n = recv(fd, &buffer, buffer.count, 0)
                guard n > 0 else { break }
                received += String(decoding: buffer[0..<n], as: UTF8.self)
            }
            XCTAssertTrue(received.contains("Deploying"), received)
            let connected = try await watchers()
            XCTAssertEqual(connected, 1)
            close(fd)
            var after = connected
            for _ in 0..<200 where after != 0 {
                try await Task.sleep(for: .milliseconds(50))
                after = try await watchers()
            }
            XCTAssertEqual(after, 0, "the watcher is gone once its connection closes")
            await platform.stop()
        }
    }

    /// Two platforms in one process count separately: nothing goes through the global `MetricsSystem`.
    func testEachPlatformHasItsOwnRegistry() throws {
        let one = PlatformMetrics(), two = PlatformMetrics()
        one.checkoutCreated()
        one.checkoutCreated()
        two.checkoutCreated()
        XCTAssertEqual(PrometheusText(text: one.exposition()).value("techflunky_checkouts_created_total"), 2)
        XCTAssertEqual(PrometheusText(text: two.exposition()).value("techflunky_checkouts_created_total"), 1)
    }

    private func scrape(_ live: PurchaseFlowTests.Live, port: Int) async throws -> PrometheusText {
        let response = try await live.http.send(TechFlunkyHTTP.HTTPRequest(method: .GET, url: "http://127.0.0.1:\(port)/metrics"))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.headers["Content-Type"], MetricsServer.contentType)
        return PrometheusText(text: String(decoding: response.body, as: UTF8.self))
    }
}
