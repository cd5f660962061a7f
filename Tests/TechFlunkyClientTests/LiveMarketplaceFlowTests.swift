import Foundation
import TechFlunkySandbox
import Hummingbird
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyHTTP
import XCTest

/// The buyer's journey through `PlatformClient` against the real platform and stand-ins: checkout,
/// payment, deployment, and the deployment's events read through a proxy that keeps cutting the
/// connection.
final class LiveMarketplaceFlowTests: XCTestCase {
    private typealias CurlRequest = TechFlunkyHTTP.HTTPRequest
    private typealias CurlHeaders = TechFlunkyHTTP.HTTPHeaders

    /// Signs up a buyer, buys a listing with the test card and starts its deployment.
    static func buyAndDeploy(_ market: LiveMarketplace) async throws -> (PlatformClient, Order, DeployAccepted) {
        let buyer = PlatformClient(baseURL: market.baseURL)
        _ = try await buyer.signup(email: "buyer-\(UUID().uuidString.prefix(6))@example.com", password: "a long buyer password", displayName: "Buyer")
        let listing = try await buyer.listings(ListingQuery(sort: .priceAsc, limit: 1)).items[0]

        let key = UUID().uuidString
        let session = try await buyer.createCheckoutSession(listingSlug: listing.slug, idempotencyKey: key)
        let repeated = try await buyer.createCheckoutSession(listingSlug: listing.slug, idempotencyKey: key)
        XCTAssertEqual(repeated.orderId, session.orderId, "the same Idempotency-Key returns the first order")
        XCTAssertEqual(try session.platformFee.adding(session.sellerShare), session.amount)

        let order = try await buyer.payInSandbox(orderId: session.orderId)
        XCTAssertTrue(order.isDeployable, "order is \(order.state)")

        let accepted = try await buyer.deploy(DeployRequest(orderId: order.id, cloudflare: CloudflareCredentials(
            accountId: LiveMarketplace.cloudflareAccountId, apiToken: CloudflareAPIToken(LiveMarketplace.cloudflareToken))))
        return (buyer, order, accepted)
    }

    func testDeploymentEventsThroughACuttingProxyArriveOnceInOrderAndMatchTheServer() async throws {
        try await forEachServerEngine { engine in try await LiveMarketplace.with(on: engine) { market in
            let (buyer, _, accepted) = try await Self.buyAndDeploy(market)
            let upstream = market.baseURL
            let transport = CurlHTTPClient()
            let cuts = LockedValue(0)
            let proxied: [DeploymentEvent] = try await LoopbackServer.run({ router in
                router.get("api/deploy/:id/events") { request, context in
                    var headers: CurlHeaders = ["Accept": "text/event-stream"]
                    headers["Authorization"] = request.headers[.authorization]
                    headers["Last-Event-ID"] = request.headers[.init("Last-Event-ID")!]
                    let id = context.parameters.get("id") ?? ""
                    let source = try await transport.stream(CurlRequest(url: "\(upstream)/api/deploy/\(id)/events", headers: headers, timeouts: .streaming))
                    guard source.status == 200 else { return Response(status: .badGateway) }
                    let budget = Int.random(in: 1...1200)
                    return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: ResponseBody { writer in
                        var sent = 0
                        for try await chunk in source.body {
                            if sent + chunk.count > budget {
                                try await writer.write(ByteBuffer(bytes: chunk.prefix(budget - sent)))
                                cuts.withValue { $0 += 1 }
                                throw CancellationError()  // drop the connection mid-stream
                            }
                            try await writer.write(ByteBuffer(bytes: chunk))
                            sent += chunk.count
                        }
                        try await writer.finish(nil)
                    })
                }
                router.get("api/deploy") { request, _ in
                    var headers: CurlHeaders = [:]
                    headers["Authorization"] = request.headers[.authorization]
                    let answer = try await transport.send(CurlRequest(url: "\(upstream)/api/deploy?\(request.uri.query ?? "")", headers: headers))
                    return Response(status: answer.status == 200 ? .ok : .badGateway, body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
                }
            }) { proxy in
                let viaProxy = PlatformClient(baseURL: proxy, token: buyer.token)
                let options = DeploymentEventStream.Options(initialBackoff: 0.01, maxBackoff: 0.1, unreachableNotice: 30)
                var events: [DeploymentEvent] = []
                for try await update in viaProxy.deploymentEvents(id: accepted.deploymentId, options: options) {
                    if case let .event(event) = update { events.append(event) }
                }
                return events
            }
            XCTAssertEqual(proxied.map(\.seq), Array(1...proxied.count), "every event once, in order")
            XCTAssertTrue(proxied.last?.isFinal ?? false, "the stream ends on the final event")
            XCTAssertGreaterThan(cuts.withValue { $0 }, 2, "the proxy should have cut the stream several times")

            // The same events, read straight from the platform in one go.
            var direct: [DeploymentEvent] = []
            for try await update in buyer.deploymentEvents(id: accepted.deploymentId) {
                if case let .event(event) = update { direct.append(event) }
            }
            XCTAssertEqual(proxied, direct)
            let snapshot = try await buyer.deployment(id: accepted.deploymentId)
            XCTAssertEqual(snapshot.lastEventId, direct.count)
            XCTAssertEqual(snapshot.state, direct.last?.state)
        } }
    }

    /// `watch` after a retry: the stream read from the start passes the old failure and ends at the real end.
    func testFollowingFromTheStartAfterAFailedRunAndItsRetryEndsWhereTheDeploymentEnds() async throws {
        try await forEachServerEngine { engine in try await LiveMarketplace.with(on: engine) { market in
            market.sandbox.injectFault(SandboxFault(match: "PUT /accounts/*/workers/scripts/*", status: 500, code: 10013,
                                                    message: "injected", times: nil))
            let (buyer, _, accepted) = try await Self.buyAndDeploy(market)
            for try await _ in buyer.deploymentEvents(id: accepted.deploymentId) {}
            let failed = try await buyer.deployment(id: accepted.deploymentId)
            XCTAssertEqual(failed.state, .failed, failed.lastMessage ?? "")
            market.sandbox.faults.clear()
            let credentials = CloudflareCredentials(accountId: LiveMarketplace.cloudflareAccountId, apiToken: CloudflareAPIToken(LiveMarketplace.cloudflareToken))
            _ = try await buyer.retryDeployment(id: accepted.deploymentId, cloudflare: credentials)
            var seen: [DeploymentEvent] = []
            for try await update in buyer.deploymentEvents(id: accepted.deploymentId) {
                if case let .event(event) = update { seen.append(event) }
            }
            XCTAssertTrue(seen.contains { $0.state == .failed }, "the history includes the failure")
            XCTAssertEqual(seen.last?.state, .succeeded, "the stream goes on past the old failure to the real end")
            XCTAssertEqual(seen.map(\.seq), Array(1...seen.count), "every event once, in order")
        } }
    }

    func testRollbackStreamsOnFromTheLastEventAndRetryOfARolledBackDeploymentIsRefused() async throws {
        try await forEachServerEngine { engine in try await LiveMarketplace.with(on: engine) { market in
            let (buyer, _, accepted) = try await Self.buyAndDeploy(market)
            var first: [DeploymentEvent] = []
            for try await update in buyer.deploymentEvents(id: accepted.deploymentId) {
                if case let .event(event) = update { first.append(event) }
            }
            let lastSeq = try XCTUnwrap(first.last?.seq)
            let credentials = CloudflareCredentials(accountId: LiveMarketplace.cloudflareAccountId, apiToken: CloudflareAPIToken(LiveMarketplace.cloudflareToken))
            let rollingBack = try await buyer.rollbackDeployment(id: accepted.deploymentId, cloudflare: credentials)
            XCTAssertEqual(rollingBack.state, .rollingBack)

            var second: [DeploymentEvent] = []
            for try await update in buyer.deploymentEvents(id: accepted.deploymentId, after: lastSeq) {
                if case let .event(event) = update { second.append(event) }
            }
            XCTAssertEqual(second.first?.seq, lastSeq + 1, "resumes right after the last event seen")
            XCTAssertEqual(second.map(\.seq), second.indices.map { lastSeq + 1 + $0 })
            XCTAssertEqual(second.last?.state, .rolledBack)
            let snapshot = try await buyer.deployment(id: accepted.deploymentId)
            XCTAssertEqual(snapshot.state, .rolledBack)

            do {
                _ = try await buyer.retryDeployment(id: accepted.deploymentId, cloudflare: credentials)
                XCTFail("a rolled-back deployment cannot be retried")
            } catch let error as ClientError {
                guard case let .rejected(status, detail) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(status, 409)
                XCTAssertTrue(detail.message.contains("retried"), detail.message)
                XCTAssertFalse(error.description.contains(LiveMarketplace.cloudflareToken))
            }
        } }
    }

    func testOrdersPayoutsAndSellerCallsDecodeAgainstThePlatform() async throws {
        try await forEachServerEngine { engine in try await LiveMarketplace.with(on: engine) { market in
            let (buyer, order, accepted) = try await Self.buyAndDeploy(market)
            let orders = try await buyer.orders()
            XCTAssertTrue(orders.contains { $0.id == order.id })
            let seller = try await buyer.createSellerAccount()
            XCTAssertNotNil(seller.stripeAccountId)
            XCTAssertFalse(seller.onboardingComplete)
            let account = try await buyer.sellerAccount()
            XCTAssertEqual(account.stripeAccountId, seller.stripeAccountId)
            let payouts = try await buyer.payouts()
            XCTAssertEqual(payouts.payouts, [])
            let clock = try await buyer.advanceSandboxClock(seconds: 3600)
            XCTAssertGreaterThanOrEqual(clock.offsetSeconds, 3600)
            let again = try await buyer.sandboxClock()
            XCTAssertEqual(again.offsetSeconds, clock.offsetSeconds, accuracy: 1)
            // A second deployment of the same order while one runs, or of an unknown order, is refused with the server's words.
            do {
                _ = try await buyer.deploy(DeployRequest(orderId: "ord_nope", cloudflare: CloudflareCredentials(accountId: "a", apiToken: CloudflareAPIToken("t"))))
                XCTFail("expected a refusal")
            } catch let error as ClientError {
                XCTAssertFalse(error.description.isEmpty)
                XCTAssertFalse(error.description.contains("tfsandbox_demo_token"), "the token never comes back in an error")
            }
            _ = accepted
        } }
    }
}
