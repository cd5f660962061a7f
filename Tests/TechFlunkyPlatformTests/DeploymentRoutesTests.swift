import Foundation
import Logging
import TechFlunkyCore
import TechFlunkyHTTP
import TechFlunkySandbox
import XCTest

@testable import TechFlunkyPlatform

/// `/api/deploy…` on a live platform (loopback port) deploying into the Cloudflare stand-in, watched
/// over SSE with libcurl.
final class DeploymentRoutesTests: XCTestCase {
    struct Live {
        let platform: RunningPlatform
        let sandbox: SandboxServer
        let http: CurlHTTPClient
        let buyerToken: String
        let otherToken: String
        let paidOrder: String
        let unpaidOrder: String
        let cloudflare: CloudflareCredentials

        func stop() async {
            await platform.stop()
            await sandbox.stop()
        }
    }

    func start() async throws -> Live {
        var harness = try PlatformTestHarness(start: Date())
        var logger = Logger(label: "test.deploy.routes")
        logger.logLevel = .error
        let sandbox = try await SandboxServer.start(SandboxConfiguration(dataDir: harness.directory.appendingPathComponent("sandbox"), logger: logger))
        let http = CurlHTTPClient()
        harness.configuration.cloudflareAPIBase = sandbox.cloudflareAPIBase
        harness.configuration.httpTransport = http
        let platform = try await PlatformServer.start(harness.configuration)
        let services = platform.services

        let seller = try await CatalogFixtures.seller(services)
        let buyer = try await CatalogFixtures.seller(services, email: "buyer@example.com")
        let other = try await CatalogFixtures.seller(services, email: "other@example.com")
        let bundle = harness.directory.appendingPathComponent("bundle")
        try DeploymentTestBundle.write(to: bundle)
        try await services.catalog.insert(NewListing(slug: "shop", sellerId: seller.id, details: CatalogFixtures.details(title: "Shop"),
                                                     manifest: try DeploymentPackage.load(from: bundle).manifest, assets: []),
                                          now: services.clock.now())
        try services.packages.install(slug: "shop", from: bundle)
        let listing = try await services.catalog.listingForSale(slug: "shop")!
        let split = try FeePolicy.standard.split(listing.askingPrice)
        try await services.orders.insert(StoredOrder(id: "ord_paid12345", listing: listing, buyerId: buyer.id, split: split, now: services.clock.now()))
        try await services.orders.insert(StoredOrder(id: "ord_unpaid123", listing: listing, buyerId: buyer.id, split: split, now: services.clock.now()))
        _ = try await services.orders.apply(eventId: "evt_1", eventType: "checkout.session.completed",
                                            fact: .paid(orderId: "ord_paid12345", sessionId: "cs_test_1", paymentIntentId: "pi_1", chargeId: "ch_1"),
                                            holdInterval: 3 * 86_400, now: services.clock.now())
        let token = try sandbox.createCloudflareToken(accountId: SandboxServer.demoCloudflareAccountId)
        return Live(platform: platform, sandbox: sandbox, http: http,
                    buyerToken: try await AccountRoutes.startSession(for: buyer, services: services).token,
                    otherToken: try await AccountRoutes.startSession(for: other, services: services).token,
                    paidOrder: "ord_paid12345", unpaidOrder: "ord_unpaid123",
                    cloudflare: CloudflareCredentials(accountId: SandboxServer.demoCloudflareAccountId, apiToken: token))
    }

    func call(_ live: Live, _ method: HTTPMethod, _ path: String, token: String, body: (some Encodable)? = Optional<String>.none) async throws -> HTTPResponse {
        var headers: HTTPHeaders = ["Authorization": "Bearer \(token)", "Content-Type": "application/json"]
        headers["Accept"] = "application/json"
        return try await live.http.send(HTTPRequest(method: method, url: live.platform.baseURL + path, headers: headers,
                                                    body: try body.map { try WireJSON.encode($0) }))
    }

    /// Reads the event stream from `after`, giving up the connection after `cut` events (nil: to the end).
    func watch(_ live: Live, _ id: String, after: Int, cut: Int?) async throws -> (events: [DeploymentEvent], ended: Bool) {
        var headers: HTTPHeaders = ["Authorization": "Bearer \(live.buyerToken)", "Accept": "text/event-stream"]
        if after > 0 { headers["Last-Event-ID"] = String(after) }
        let response = try await live.http.stream(HTTPRequest(url: live.platform.baseURL + "/api/deploy/\(id)/events", headers: headers,
                                                              timeouts: .streaming))
        XCTAssertEqual(response.status, 200)
        XCTAssertTrue(response.headers["Content-Type"]?.hasPrefix("text/event-stream") ?? false)
        var parser = SSEParser()
        var events: [DeploymentEvent] = []
        for try await chunk in response.body {
            for frame in parser.feed(chunk) {
                let event = try WireJSON.decode(DeploymentEvent.self, from: Data(frame.data.utf8))
                XCTAssertEqual(frame.id, String(event.seq))
                XCTAssertEqual(frame.event, event.kind.rawValue)
                events.append(event)
                if let cut, events.count >= cut { return (events, false) }
            }
        }
        return (events, true)
    }

    func testDeployAnswers202AndAWatcherCutManyTimesSeesEveryEventOnceThenTheSnapshot() async throws {
        let live = try await start()
        defer { Task { await live.stop() } }
        // Slow each Cloudflare call a little so the stream is cut while the deployment runs.
        live.sandbox.injectFault(SandboxFault(match: "/client/v4/**", status: 0, times: nil, delayMs: 15))
        let accepted = try await call(live, .POST, "/api/deploy", token: live.buyerToken,
                                      body: DeployRequest(orderId: live.paidOrder, cloudflare: live.cloudflare))
        XCTAssertEqual(accepted.status, 202, String(decoding: accepted.body, as: UTF8.self))
        let body = try WireJSON.decode(DeployAccepted.self, from: accepted.body)
        XCTAssertEqual(body.state, .queued)

        var seen: [DeploymentEvent] = []
        var cuts = 0
        while true {
            let result = try await watch(live, body.deploymentId, after: seen.last?.seq ?? 0, cut: Int.random(in: 1...4))
            seen += result.events
            if result.ended { break }
            cuts += 1
            if cuts > 500 { return XCTFail("the stream never ended") }
        }
        XCTAssertGreaterThan(cuts, 5)
        XCTAssertEqual(seen.map(\.seq), Array(1...(seen.last?.seq ?? 0)), "every event exactly once, in order")
        XCTAssertEqual(seen.last?.state, .succeeded, seen.last?.message ?? "")

        let snapshot = try await call(live, .GET, "/api/deploy?deploymentId=\(body.deploymentId)", token: live.buyerToken)
        XCTAssertEqual(snapshot.status, 200)
        let deployment = try WireJSON.decode(Deployment.self, from: snapshot.body)
        XCTAssertEqual(deployment.state, .succeeded)
        XCTAssertEqual(deployment.lastEventId, seen.last?.seq)
        XCTAssertTrue(deployment.steps.allSatisfy { $0.state == .succeeded || $0.state == .skipped })
        XCTAssertNotNil(deployment.url)

        // A watcher arriving after the end gets the whole log and the stream closes.
        let late = try await watch(live, body.deploymentId, after: 0, cut: nil)
        XCTAssertEqual(late.events.map(\.seq), seen.map(\.seq))
    }

    func testOnlyTheBuyerSeesOrDrivesTheDeploymentAndOnlyForAPaidOrder() async throws {
        let live = try await start()
        defer { Task { await live.stop() } }
        let unpaid = try await call(live, .POST, "/api/deploy", token: live.buyerToken,
                                    body: DeployRequest(orderId: live.unpaidOrder, cloudflare: live.cloudflare))
        XCTAssertEqual(unpaid.status, 409)
        XCTAssertEqual(try WireJSON.decode(APIErrorBody.self, from: unpaid.body).error.code, APIErrorCode.notPaid)

        let notMine = try await call(live, .POST, "/api/deploy", token: live.otherToken,
                                     body: DeployRequest(orderId: live.paidOrder, cloudflare: live.cloudflare))
        XCTAssertEqual(notMine.status, 404)

        let noToken = try await call(live, .POST, "/api/deploy", token: live.buyerToken,
                                     body: DeployRequest(orderId: live.paidOrder, cloudflare: CloudflareCredentials(accountId: live.cloudflare.accountId, apiToken: "")))
        XCTAssertEqual(noToken.status, 422)
        XCTAssertEqual(try WireJSON.decode(APIErrorBody.self, from: noToken.body).error.field, "cloudflare.apiToken")

        let accepted = try await call(live, .POST, "/api/deploy", token: live.buyerToken,
                                      body: DeployRequest(orderId: live.paidOrder, cloudflare: live.cloudflare))
        let id = try WireJSON.decode(DeployAccepted.self, from: accepted.body).deploymentId
        _ = try await watch(live, id, after: 0, cut: nil)

        for (method, path) in [(HTTPMethod.GET, "/api/deploy?deploymentId=\(id)"), (.GET, "/api/deploy/\(id)/events"),
                               (.POST, "/api/deploy/\(id)/retry"), (.POST, "/api/deploy/\(id)/rollback")] {
            let r = try await call(live, method, path, token: live.otherToken, body: DeployCredentialsRequest(cloudflare: live.cloudflare))
            XCTAssertEqual(r.status, 404, "\(method) \(path)")
        }
        let retrySucceeded = try await call(live, .POST, "/api/deploy/\(id)/retry", token: live.buyerToken,
                                            body: DeployCredentialsRequest(cloudflare: live.cloudflare))
        XCTAssertEqual(retrySucceeded.status, 409, "a succeeded deployment is not retried")

        let rollback = try await call(live, .POST, "/api/deploy/\(id)/rollback", token: live.buyerToken,
                                      body: DeployCredentialsRequest(cloudflare: live.cloudflare))
        XCTAssertEqual(rollback.status, 202)
        // The rollback may not have announced itself yet when the watcher connects: follow until it ends.
        var events = try await watch(live, id, after: 0, cut: nil).events
        for _ in 0..<50 where events.last?.state != .rolledBack {
            try await Task.sleep(nanoseconds: 50_000_000)
            events += try await watch(live, id, after: events.last?.seq ?? 0, cut: nil).events
        }
        XCTAssertEqual(events.last?.state, .rolledBack)
        XCTAssertEqual(events.map(\.seq), Array(1...(events.last?.seq ?? 0)))
    }
}
