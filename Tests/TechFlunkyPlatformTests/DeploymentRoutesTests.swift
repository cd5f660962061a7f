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
    struct Live: Sendable {
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

    func start(on engine: StorageEngine = .sqlite) async throws -> Live { try await Self.startLive(on: engine) }

    /// A live platform and stand-in with a buyer, another account, a paid and an unpaid order of `bundle`
    /// (the test bundle when nil), and a Cloudflare token for the stand-in's demo account.
    static func startLive(bundle source: URL? = nil, orders: Int = 1, clock: (any PlatformClock)? = nil, on engine: StorageEngine = .sqlite) async throws -> Live {
        var harness = try PlatformTestHarness(start: Date())
        if let clock { harness.configuration.clock = clock }
        var logger = Logger(label: "test.deploy.routes")
        logger.logLevel = .error
        let sandbox = try await SandboxServer.start(SandboxConfiguration(dataDir: harness.directory.appendingPathComponent("sandbox"), logger: logger))
        let http = CurlHTTPClient()
        harness.configuration.cloudflareAPIBase = sandbox.cloudflareAPIBase
        harness.configuration.httpTransport = http
        try await harness.use(engine)
        let platform = try await PlatformServer.start(harness.configuration)
        XCTAssertEqual(platform.services.postgres != nil, engine == .postgres, "the platform runs on the engine asked for")
        let services = platform.services

        let seller = try await CatalogFixtures.seller(services)
        let buyer = try await CatalogFixtures.seller(services, email: "buyer@example.com")
        let other = try await CatalogFixtures.seller(services, email: "other@example.com")
        let bundle = source ?? harness.directory.appendingPathComponent("bundle")
        if source == nil { try DeploymentTestBundle.write(to: bundle) }
        let slug = try DeploymentPackage.load(from: bundle).manifest.slug
        try await services.catalog.insert(NewListing(slug: slug, sellerId: seller.id, details: CatalogFixtures.details(title: "Shop"),
                                                     manifest: try DeploymentPackage.load(from: bundle).manifest, assets: []),
                                          now: services.clock.now())
        try services.packages.install(slug: slug, from: bundle)
        let listing = try await services.catalog.listingForSale(slug: slug)!
        let split = try FeePolicy.standard.split(listing.askingPrice)
        for i in 0..<orders {
            let id = i == 0 ? "ord_paid12345" : "ord_paid\(String(format: "%05d", i))"
            try await services.orders.insert(StoredOrder(id: id, listing: listing, buyerId: buyer.id, split: split, now: services.clock.now()))
            _ = try await services.orders.apply(eventId: "evt_\(i)_paid", eventType: "checkout.session.completed",
                                                fact: .paid(orderId: id, sessionId: "cs_test_\(i)", paymentIntentId: "pi_\(i)", chargeId: "ch_\(i)"),
                                                holdInterval: 3 * 86_400, now: services.clock.now())
        }
        try await services.orders.insert(StoredOrder(id: "ord_unpaid123", listing: listing, buyerId: buyer.id, split: split, now: services.clock.now()))
        let token = try sandbox.createCloudflareToken(accountId: SandboxServer.demoCloudflareAccountId)
        return Live(platform: platform, sandbox: sandbox, http: http,
                    buyerToken: try await AccountRoutes.startSession(for: buyer, services: services).token,
                    otherToken: try await AccountRoutes.startSession(for: other, services: services).token,
                    paidOrder: "ord_paid12345", unpaidOrder: "ord_unpaid123",
                    cloudflare: CloudflareCredentials(accountId: SandboxServer.demoCloudflareAccountId, apiToken: CloudflareAPIToken(token)))
    }

    func call(_ live: Live, _ method: HTTPMethod, _ path: String, token: String, body: (some Encodable)? = Optional<String>.none) async throws -> HTTPResponse {
        var headers: HTTPHeaders = ["Authorization": "Bearer \(token)", "Content-Type": "application/json"]
        headers["Accept"] = "application/json"
        return try await live.http.send(HTTPRequest(method: method, url: live.platform.baseURL + path, headers: headers,
                                                    body: try body.map { try WireJSON.encode($0) }))
    }

    /// Reads the event stream from `after`, giving up the connection after `cut` events (nil: to the end).
    func watch(_ live: Live, _ id: String, after: Int, cut: Int?) async throws -> (events: [DeploymentEvent], ended: Bool) {
        try await withDeadline(60) { try await Self.watchStream(live, id, after: after, cut: cut) }
    }

    static func watchStream(_ live: Live, _ id: String, after: Int, cut: Int?) async throws -> (events: [DeploymentEvent], ended: Bool) {
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
        try await forEachServerEngine { engine in
            let live = try await start(on: engine)
            do {
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
                    if cuts > 500 { XCTFail("the stream never ended"); break }
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
            } catch {
                await live.stop()
                throw error
            }
            await live.stop()
        }
    }

    func testOnlyTheBuyerSeesOrDrivesTheDeploymentAndOnlyForAPaidOrder() async throws {
        try await forEachServerEngine { engine in
            let live = try await start(on: engine)
            do {
                let unpaid = try await call(live, .POST, "/api/deploy", token: live.buyerToken,
                                            body: DeployRequest(orderId: live.unpaidOrder, cloudflare: live.cloudflare))
                XCTAssertEqual(unpaid.status, 409)
                XCTAssertEqual(try WireJSON.decode(APIErrorBody.self, from: unpaid.body).error.code, APIErrorCode.notPaid)

                let notMine = try await call(live, .POST, "/api/deploy", token: live.otherToken,
                                             body: DeployRequest(orderId: live.paidOrder, cloudflare: live.cloudflare))
                XCTAssertEqual(notMine.status, 404)

                let noToken = try await call(live, .POST, "/api/deploy", token: live.buyerToken,
                                             body: DeployRequest(orderId: live.paidOrder, cloudflare: CloudflareCredentials(accountId: live.cloudflare.accountId, apiToken: CloudflareAPIToken(""))))
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
            } catch {
                await live.stop()
                throw error
            }
            await live.stop()
        }
    }

    func testAFailedPackageStepFreezesThePayoutHoldUntilARetrySucceeds() async throws {
        try await forEachServerEngine { engine in
            let live = try await start(on: engine)
            do {
                live.sandbox.injectFault(SandboxFault(match: "PUT /client/v4/accounts/*/workers/scripts/*", status: 500, code: 10013, times: nil))
                let accepted = try await call(live, .POST, "/api/deploy", token: live.buyerToken,
                                              body: DeployRequest(orderId: live.paidOrder, cloudflare: live.cloudflare))
                let id = try WireJSON.decode(DeployAccepted.self, from: accepted.body).deploymentId
                let failed = try await watch(live, id, after: 0, cut: nil).events
                XCTAssertEqual(failed.last?.state, .failed)
                let frozen = try await live.platform.services.orders.order(id: live.paidOrder)
                XCTAssertNotNil(frozen?.holdFrozenReason, "the seller's payout waits while the package does not deploy")
                XCTAssertTrue(frozen?.holdFrozenReason?.contains("Upload Workers") ?? false, frozen?.holdFrozenReason ?? "")

                live.sandbox.faults.clear()
                let retried = try await call(live, .POST, "/api/deploy/\(id)/retry", token: live.buyerToken,
                                             body: DeployCredentialsRequest(cloudflare: live.cloudflare))
                XCTAssertEqual(retried.status, 202)
                var events = failed
                let failedAt = failed.last?.seq ?? 0
                for _ in 0..<100 where events.last?.state != .succeeded {
                    // The retry may not have announced itself when the watcher connects: follow until it ends again.
                    events += try await watch(live, id, after: events.last?.seq ?? 0, cut: nil).events
                    if events.last?.state == .failed && (events.last?.seq ?? 0) > failedAt { break }
                    try await Task.sleep(nanoseconds: 20_000_000)
                }
                XCTAssertEqual(events.last?.state, .succeeded, events.last?.message ?? "")
                let released = try await live.platform.services.orders.order(id: live.paidOrder)
                XCTAssertNil(released?.holdFrozenReason)
            } catch {
                await live.stop()
                throw error
            }
            await live.stop()
        }
    }

    /// A client that stops reading fills its connection's buffers and is cut off, while another watcher of the same
    /// deployment gets every event; reconnecting with the last id it received, the cut one gets the rest.
    func testStalledWatcherIsCutOffWithoutHoldingBackAnother() async throws {
        let live = try await start()
        do {
            let services = live.platform.services
            let buyer = try await services.accounts.account(forSessionToken: live.buyerToken, now: services.clock.now())
            let now = services.clock.now()
            let stored = StoredDeployment(deployment: Deployment(
                id: "dep_stall", orderId: live.paidOrder, listingSlug: "shop", accountId: live.cloudflare.accountId, domain: nil,
                state: .queued, steps: DeploymentStepKind.allCases.map { DeploymentStep(kind: $0) }, resources: [], url: nil,
                lastMessage: nil, lastEventId: 1, createdAt: now, updatedAt: now), buyerId: try XCTUnwrap(buyer).id)
            try await services.deployments.store.insert(stored, events: [DeploymentEvent(seq: 1, deploymentId: "dep_stall", kind: .deployment, at: now, state: .queued)])
            let port = try XCTUnwrap(URLComponents(string: live.platform.baseURL)?.port)
            let stalled = try StalledSSEClient(port: port, path: "/api/deploy/dep_stall/events", token: live.buyerToken)
            let reading = Task { try await DeploymentRoutesTests.watchStream(live, "dep_stall", after: 0, cut: nil) }
            let hub = services.deployments.hub
            try await withDeadline(30) {
                while await hub.watcherCount(deploymentId: "dep_stall") < 2 { try await Task.sleep(nanoseconds: 1_000_000) }
            }
            // About 10 MB of events: more than the kernel's socket buffers and the channel's write buffer hold.
            let recorder = DeploymentRecorder(stored: stored, store: services.deployments.store, publisher: hub, clock: services.clock)
            let filler = String(repeating: "x", count: 16 * 1024)
            try await recorder.setState(.running)
            for i in 0..<600 { try await recorder.stepWaiting(.verifyCredentials, "\(i) \(filler)") }
            try await recorder.setState(.succeeded)
            let total = 1 + 602

            let all = try await withDeadline(120) { try await reading.value }
            XCTAssertTrue(all.ended)
            XCTAssertEqual(all.events.map(\.seq), Array(1...total), "the reading watcher got every event")

            var parser = SSEParser()
            let cut = parser.feed(try stalled.readToEnd()).compactMap { try? WireJSON.decode(DeploymentEvent.self, from: Data($0.data.utf8)) }
            XCTAssertFalse(cut.isEmpty)
            XCTAssertLessThan(cut.count, total, "the stalled watcher was cut off before the end")
            XCTAssertEqual(cut.map(\.seq), Array(1...(cut.last?.seq ?? 0)))
            let watchers = await hub.watcherCount(deploymentId: "dep_stall")
            XCTAssertEqual(watchers, 0)

            let rest = try await withDeadline(60) { try await Self.watchStream(live, "dep_stall", after: cut.last?.seq ?? 0, cut: nil) }
            XCTAssertTrue(rest.ended)
            XCTAssertEqual((cut + rest.events).map(\.seq), Array(1...total), "every event exactly once, in order")
        } catch {
            await live.stop()
            throw error
        }
        await live.stop()
    }
}

/// An SSE request on a plain socket whose receive buffer is a few KiB, read only when the test says so: a watcher
/// that has stopped reading.
final class StalledSSEClient {
    private let fd: Int32

    init(port: Int, path: String, token: String) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var size: Int32 = 4096
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { close(fd); throw POSIXError(.ECONNREFUSED) }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(token)\r\nAccept: text/event-stream\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
    }

    deinit { close(fd) }

    /// Everything up to the connection's end (or the chunked body's last chunk, had the stream ended normally), as
    /// the SSE text of the body: the response head is skipped and the chunk framing removed.
    func readToEnd() throws -> String {
        var raw: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n < 0 { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            if n == 0 { break }
            raw += buffer[0..<n]
            if raw.count >= 5, Array(raw.suffix(5)) == Array("0\r\n\r\n".utf8) { break }
        }
        return Self.dechunk(raw)
    }

    /// The body of an HTTP/1.1 chunked response, as far as it arrived.
    static func dechunk(_ raw: [UInt8]) -> String {
        let separator = Array("\r\n\r\n".utf8)
        guard let headEnd = raw.indices.first(where: { raw[$0...].starts(with: separator) }) else { return "" }
        var i = headEnd + separator.count
        var body: [UInt8] = []
        while i < raw.count {
            guard let lineEnd = raw[i...].indices.first(where: { raw[$0...].starts(with: [13, 10]) }),
                  let size = Int(String(decoding: raw[i..<lineEnd], as: UTF8.self), radix: 16), size > 0 else { break }
            let start = lineEnd + 2
            body += raw[start..<min(start + size, raw.count)]
            i = start + size + 2
        }
        return String(decoding: body, as: UTF8.self)
    }
}
