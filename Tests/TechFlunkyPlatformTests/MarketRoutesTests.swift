import Foundation
import Hummingbird
import HummingbirdTesting
import TechFlunkyCore
import TechFlunkyHTTP
import TechFlunkySandbox
import XCTest
@testable import TechFlunkyPlatform

/// A business sells once, watchlists, saved searches and the notifications stream, over real loopback HTTP
/// against the Stripe stand-in (webhooks signed and delivered as in production).
final class MarketRoutesTests: XCTestCase {
    typealias Live = PurchaseFlowTests.Live

    func startLive(on engine: StorageEngine = .sqlite) async throws -> Live {
        var harness = try PlatformTestHarness()
        let clock = MovableClock()
        let sandbox = try await SandboxServer.start(SandboxConfiguration(
            dataDir: harness.directory.appendingPathComponent("sandbox"), stripeWebhookSecret: "whsec_test_secret",
            stripeSecretKey: "sk_test_platform", clock: MovableClock(following: clock)))
        harness.configuration.clock = clock
        harness.configuration.stripeAPIBase = sandbox.stripeAPIBase
        harness.configuration.stripeSecretKey = "sk_test_platform"
        harness.configuration.httpTransport = CurlHTTPClient()
        try await harness.use(engine)
        let platform = try await PlatformServer.start(harness.configuration)
        XCTAssertEqual(platform.services.postgres != nil, engine == .postgres, "the platform runs on the engine asked for")
        await sandbox.setStripeWebhook(url: platform.baseURL + "/api/checkout/webhook", secret: "whsec_test_secret")
        return Live(harness: harness, sandbox: sandbox, platform: platform)
    }

    func checkout(_ live: Live, _ slug: String, token: String) async throws -> (status: Int, body: Data) {
        let r = try await live.call(.POST, "/api/checkout/create-session", token: token, json: #"{"listingSlug":"\#(slug)"}"#)
        return (r.status, r.body)
    }

    func notifications(_ live: Live, token: String) async throws -> NotificationsResponse {
        let r = try await live.call(.GET, "/api/notifications", token: token)
        XCTAssertEqual(r.status, 200, String(decoding: r.body, as: UTF8.self))
        return try WireJSON.decode(NotificationsResponse.self, from: r.body)
    }

    func listing(_ live: Live, _ slug: String) async throws -> Listing {
        try WireJSON.decode(Listing.self, from: try await live.call(.GET, "/api/listings/\(slug)").body)
    }

    func browseSlugs(_ live: Live) async throws -> [String] {
        try WireJSON.decode(ListingPage.self, from: try await live.call(.GET, "/api/listings?limit=100").body).items.map(\.slug)
    }

    func testASecondBuyerCannotBuyAReservedListingAndAnExpiredCheckoutPutsItBackOnSale() async throws {
        try await forEachServerEngine { engine in
            let live = try await startLive(on: engine)
            defer { live.harness.cleanUp() }
            let services = live.platform.services
            let seller = try await live.signUp("seller@example.com")
            try await CatalogFixtures.list(services, slug: "shop", seller: seller.account, CatalogFixtures.details(title: "Shop", price: 50_000))
            let first = try await live.signUp("first@example.com")
            let second = try await live.signUp("second@example.com")
            let watcher = try await live.signUp("watcher@example.com")
            let watched = try await live.call(.PUT, "/api/watchlist/shop", token: watcher.token)
            XCTAssertEqual(watched.status, 200, String(decoding: watched.body, as: UTF8.self))
            XCTAssertEqual(try WireJSON.decode(WatchedListing.self, from: watched.body).saleState, .forSale)

            let opened = try await checkout(live, "shop", token: first.token)
            XCTAssertEqual(opened.status, 200, String(decoding: opened.body, as: UTF8.self))
            let session = try WireJSON.decode(CheckoutSessionResponse.self, from: opened.body)
            let reserved = try await listing(live, "shop")
            XCTAssertEqual(reserved.saleState, .reserved)
            XCTAssertEqual(reserved.reservedUntil, session.expiresAt, "held for the checkout session's lifetime")
            let value1 = try await browseSlugs(live).contains("shop")
            XCTAssertTrue(value1, "a reserved listing stays in Browse")

            let refused = try await checkout(live, "shop", token: second.token)
            XCTAssertEqual(refused.status, 409)
            let error = try WireJSON.decode(APIErrorBody.self, from: refused.body).error
            XCTAssertEqual(error.code, APIErrorCode.listingReserved)
            XCTAssertTrue(error.message.contains(MarketTime.text(session.expiresAt)), error.message)
            // The first buyer gets their own checkout back.
            let again = try await checkout(live, "shop", token: first.token)
            XCTAssertEqual(try WireJSON.decode(CheckoutSessionResponse.self, from: again.body).orderId, session.orderId)

            var seen = try await notifications(live, token: watcher.token)
            XCTAssertEqual(seen.notifications.map(\.kind), [.listingReserved])
            XCTAssertEqual(seen.unreadCount, 1)
            let watchlist = try WireJSON.decode(WatchlistResponse.self, from: try await live.call(.GET, "/api/watchlist", token: watcher.token).body)
            XCTAssertEqual(watchlist.items.map(\.saleState), [.reserved])

            // Stripe expires the session: its webhook frees the listing.
            _ = try await services.stripe.post("/v1/checkout/sessions/\(session.sessionId)/expire", [], idempotencyKey: UUID().uuidString, operation: "test")
            try await live.eventually("the expired webhook") { try await self.listing(live, "shop").saleState == .forSale }
            seen = try await notifications(live, token: watcher.token)
            XCTAssertEqual(seen.notifications.map(\.kind), [.backOnSale, .listingReserved])

            let secondTry = try await checkout(live, "shop", token: second.token)
            XCTAssertEqual(secondTry.status, 200, String(decoding: secondTry.body, as: UTF8.self))
            let secondSession = try WireJSON.decode(CheckoutSessionResponse.self, from: secondTry.body)

            // No webhook this time: the platform's clock passes the session's end and the scan frees it.
            let third = try await checkout(live, "shop", token: first.token)
            XCTAssertEqual(third.status, 409)
            let wait = secondSession.expiresAt.timeIntervalSince(services.clock.now()) + 1
            _ = try await live.call(.POST, "/api/sandbox/advance", token: watcher.token, json: #"{"seconds":\#(Int(wait))}"#)
            let value2 = try await listing(live, "shop").saleState
            XCTAssertEqual(value2, .forSale)
            let value3 = try await checkout(live, "shop", token: first.token).status
            XCTAssertEqual(value3, 200)
            await live.stop()
        }
    }

    func testPaymentSellsTheListingOutOfBrowseAndARefundPutsItBackOnSale() async throws {
        try await forEachServerEngine { engine in
            let live = try await startLive(on: engine)
            defer { live.harness.cleanUp() }
            let services = live.platform.services
            let seller = try await live.signUp("seller@example.com")
            try await CatalogFixtures.list(services, slug: "shop", seller: seller.account, CatalogFixtures.details(title: "Shop", price: 50_000))
            try await CatalogFixtures.list(services, slug: "other", seller: seller.account, CatalogFixtures.details(title: "Other", price: 60_000))
            let buyer = try await live.signUp("buyer@example.com")
            let second = try await live.signUp("second@example.com")
            let watcher = try await live.signUp("watcher@example.com")
            let value4 = try await live.call(.PUT, "/api/watchlist/shop", token: watcher.token).status
            XCTAssertEqual(value4, 200)

            let session = try WireJSON.decode(CheckoutSessionResponse.self, from: try await checkout(live, "shop", token: buyer.token).body)
            let pay = try await live.call(.POST, "/api/sandbox/pay", token: buyer.token, json: #"{"orderId":"\#(session.orderId)"}"#)
            XCTAssertEqual(pay.status, 200, String(decoding: pay.body, as: UTF8.self))
            try await live.eventually("payment") { try await self.listing(live, "shop").status == .sold }

            let value5 = try await browseSlugs(live)
            XCTAssertEqual(value5, ["other"], "a sold listing leaves Browse")
            let value6 = try await listing(live, "shop").saleState
            XCTAssertEqual(value6, .sold, "its page still answers, as sold")
            let refused = try await checkout(live, "shop", token: second.token)
            XCTAssertEqual(refused.status, 409)
            XCTAssertEqual(try WireJSON.decode(APIErrorBody.self, from: refused.body).error.code, APIErrorCode.listingSold)
            let watchlist = try WireJSON.decode(WatchlistResponse.self, from: try await live.call(.GET, "/api/watchlist", token: watcher.token).body)
            XCTAssertEqual(watchlist.items.map(\.saleState), [.sold], "its watchers still see it, as sold")
            let value7 = try await notifications(live, token: watcher.token).notifications.map(\.kind)
            XCTAssertEqual(value7, [.listingSold, .listingReserved])
            let value8 = try await notifications(live, token: buyer.token).notifications
            XCTAssertEqual(value8, [], "the buyer is not told of their own purchase")

            // A full refund ends the sale: for sale again, in Browse, buyable.
            let order = try await services.orders.order(id: session.orderId)
            let charge = try XCTUnwrap(order?.chargeId)
            _ = try await live.http.send(TechFlunkyHTTP.HTTPRequest(method: .POST, url: "\(live.sandbox.baseURL)/sandbox/trigger/refund",
                                                                     headers: ["Content-Type": "application/json"], body: Data(#"{"charge":"\#(charge)"}"#.utf8)))
            try await live.eventually("refund") { try await self.listing(live, "shop").status == .active }
            let value9 = try await browseSlugs(live)
            XCTAssertEqual(Set(value9), ["shop", "other"])
            let value10 = try await notifications(live, token: watcher.token).notifications.first?.kind
            XCTAssertEqual(value10, .backOnSale)
            let value11 = try await checkout(live, "shop", token: second.token).status
            XCTAssertEqual(value11, 200)
            await live.stop()
        }
    }

    func testAPriceDropReachesTheWatchersStreamAndResumesAfterLastEventId() async throws {
        try await forEachServerEngine { engine in
            let live = try await startLive(on: engine)
            defer { live.harness.cleanUp() }
            let services = live.platform.services
            let seller = try await live.signUp("seller@example.com")
            try await CatalogFixtures.list(services, slug: "shop", seller: seller.account, CatalogFixtures.details(title: "Shop", price: 50_000))
            let watcher = try await live.signUp("watcher@example.com")
            let bystander = try await live.signUp("bystander@example.com")
            let value12 = try await live.call(.PUT, "/api/watchlist/shop", token: watcher.token).status
            XCTAssertEqual(value12, 200)

            // The stream is open before the change, as a second terminal's would be.
            let response = try await live.http.stream(TechFlunkyHTTP.HTTPRequest(url: live.platform.baseURL + "/api/notifications/stream",
                                                                  headers: ["Authorization": "Bearer \(watcher.token)"], timeouts: .streaming))
            XCTAssertEqual(response.status, 200)
            XCTAssertTrue(response.headers["Content-Type"]?.hasPrefix("text/event-stream") ?? false)
            let reader = Task { () -> (SSEFrame, [SSEFrame]) in
                var parser = SSEParser()
                var before: [SSEFrame] = []
                for try await chunk in response.body {
                    for frame in parser.feed(chunk) {
                        if frame.event == "notification" { return (frame, before) }
                        before.append(frame)
                    }
                }
                throw DeploymentTestTimeout(seconds: 0)
            }
            // Wait until the stream has said its first word (the unread count), so the change below comes after it.
            try await live.eventually("the stream to listen") { services.notifications.bell.listenerCount > 0 }

            // The same price is no drop; a rise is none either; a cut is.
            let text = { (price: Int64) in ListingUploadRequest(listing: CatalogFixtures.details(title: "Shop", price: price), bundle: nil) }
            for price: Int64 in [50_000, 55_000, 45_000] {
                let put = try await live.call(.PUT, "/api/seller/listings/shop", token: seller.token,
                                              json: String(decoding: try WireJSON.encode(text(price)), as: UTF8.self))
                XCTAssertEqual(put.status, 200, String(decoding: put.body, as: UTF8.self))
            }
            let (frame, before) = try await withDeadline(10) { try await reader.value }
            XCTAssertEqual(before.first { $0.event == "unread" }?.data, #"{"unreadCount":0}"#)
            let notification = try WireJSON.decode(MarketNotification.self, from: Data(frame.data.utf8))
            XCTAssertEqual(notification.kind, .priceDrop)
            XCTAssertEqual(frame.id, String(notification.id))
            XCTAssertEqual(notification.oldPrice, .usd(55_000))
            XCTAssertEqual(notification.newPrice, .usd(45_000))
            XCTAssertEqual(notification.listingSlug, "shop")
            XCTAssertTrue(notification.message.contains("$550 → $450"), notification.message)
            let value13 = try await notifications(live, token: bystander.token).notifications
            XCTAssertEqual(value13, [], "only watchers are told")
            let value14 = try await notifications(live, token: seller.token).notifications
            XCTAssertEqual(value14, [])

            // Resuming after that id sends nothing old; a later notification (through notify) comes next.
            try await services.notifications.notify(accountId: watcher.account.id, kind: .questionAnswered, message: "The seller answered",
                                                    listingSlug: "shop", referenceId: "q_1")
            let resumed = try await live.http.stream(TechFlunkyHTTP.HTTPRequest(url: live.platform.baseURL + "/api/notifications/stream",
                                                                 headers: ["Authorization": "Bearer \(watcher.token)", "Last-Event-ID": frame.id!],
                                                                 timeouts: .streaming))
            let next = try await withDeadline(10) { () -> MarketNotification in
                var parser = SSEParser()
                for try await chunk in resumed.body {
                    for frame in parser.feed(chunk) where frame.event == "notification" {
                        return try WireJSON.decode(MarketNotification.self, from: Data(frame.data.utf8))
                    }
                }
                throw DeploymentTestTimeout(seconds: 0)
            }
            XCTAssertEqual(next.kind, .questionAnswered)
            XCTAssertEqual(next.listingTitle, "Shop")
            XCTAssertEqual(next.referenceId, "q_1")

            // Marking read: the count drops, for this account only.
            let read = try await live.call(.POST, "/api/notifications/read", token: watcher.token, json: #"{"ids":[\#(notification.id)]}"#)
            XCTAssertEqual(try WireJSON.decode(UnreadCount.self, from: read.body).unreadCount, 1)
            let all = try await live.call(.POST, "/api/notifications/read", token: watcher.token, json: "{}")
            XCTAssertEqual(try WireJSON.decode(UnreadCount.self, from: all.body).unreadCount, 0)
            let value15 = try await notifications(live, token: watcher.token).notifications.count
            XCTAssertEqual(value15, 2)
            let value16 = try await live.call(.GET, "/api/notifications/stream", token: nil).status
            XCTAssertEqual(value16, 401)
            await live.stop()
        }
    }

    func testASavedSearchTellsOfANewMatchingListingOnlyAndCanBeReplacedAndDeleted() async throws {
        try await forEachEngine { harness, services, _ in
            try await harness.withRouter(services) { client, _ in
                let seller = try await CatalogFixtures.seller(services)
                let buyer = try await client.execute(uri: "/api/auth/signup", method: .post, headers: [.contentType: "application/json"],
                                                     body: ByteBuffer(string: #"{"email":"b@example.com","password":"long enough","displayName":"B"}"#))
                let token = try buyer.decoded(AuthResponse.self).token
                func save(_ json: String) async throws -> TestResponse {
                    try await client.execute(uri: "/api/saved-searches", method: .post, headers: bearer(token), body: ByteBuffer(string: json))
                }
                let saved = try await save(#"{"name":" Cheap invoicing ","q":"invoice","maxPrice":100000}"#)
                XCTAssertEqual(saved.status, .ok)
                let search = try saved.decoded(SavedSearch.self)
                XCTAssertEqual(search.name, "Cheap invoicing")
                let value17 = try await save(#"{"name":"   "}"#).status
                XCTAssertEqual(value17, .unprocessableContent)
                let value18 = try await save(#"{"name":"x","minPrice":5,"maxPrice":4}"#).status
                XCTAssertEqual(value18, .unprocessableContent)

                try await CatalogFixtures.list(services, slug: "invoicer", seller: seller, CatalogFixtures.details(title: "Invoicer — invoices", price: 90_000))
                try await CatalogFixtures.list(services, slug: "pricey-invoicer", seller: seller, CatalogFixtures.details(title: "Invoice Pro", price: 900_000))
                try await CatalogFixtures.list(services, slug: "garden", seller: seller, CatalogFixtures.details(title: "Garden planner", price: 50_000))
                var list = try await client.execute(uri: "/api/notifications", method: .get, headers: bearer(token)).decoded(NotificationsResponse.self)
                XCTAssertEqual(list.notifications.map(\.listingSlug), ["invoicer"])
                XCTAssertEqual(list.notifications.first?.kind, .savedSearchMatch)
                XCTAssertTrue(list.notifications.first?.message.contains("Cheap invoicing") ?? false)

                // The same name replaces the filters (one search, not two).
                let replaced = try await save(#"{"name":"Cheap invoicing","q":"garden"}"#).decoded(SavedSearch.self)
                XCTAssertEqual(replaced.id, search.id)
                XCTAssertNil(replaced.maxPrice)
                try await CatalogFixtures.list(services, slug: "garden-two", seller: seller, CatalogFixtures.details(title: "Garden helper", price: 1_000))
                list = try await client.execute(uri: "/api/notifications", method: .get, headers: bearer(token)).decoded(NotificationsResponse.self)
                XCTAssertEqual(list.notifications.map(\.listingSlug), ["garden-two", "invoicer"])
                XCTAssertEqual(list.unreadCount, 2)

                let searches = try await client.execute(uri: "/api/saved-searches", method: .get, headers: bearer(token)).decoded(SavedSearchesResponse.self)
                XCTAssertEqual(searches.searches.map(\.id), [search.id])
                let value19 = try await client.execute(uri: "/api/saved-searches/\(search.id)", method: .delete, headers: bearer(token)).status
                XCTAssertEqual(value19, .noContent)
                let value20 = try await client.execute(uri: "/api/saved-searches/\(search.id)", method: .delete, headers: bearer(token)).status
                XCTAssertEqual(value20, .notFound)
                try await CatalogFixtures.list(services, slug: "garden-three", seller: seller, CatalogFixtures.details(title: "Garden three", price: 1_000))
                list = try await client.execute(uri: "/api/notifications", method: .get, headers: bearer(token)).decoded(NotificationsResponse.self)
                XCTAssertEqual(list.notifications.count, 2, "a deleted search tells of nothing")
                let value21 = try await client.execute(uri: "/api/watchlist/no-such-listing", method: .put, headers: bearer(token)).status
                XCTAssertEqual(value21, .notFound)
                let value22 = try await client.execute(uri: "/api/watchlist/garden", method: .delete, headers: bearer(token)).status
                XCTAssertEqual(value22, .notFound)
            }
        }
    }
}
