import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

/// `GET /api/account/export` and `DELETE /api/account`: a person takes their data away, then erases it;
/// what must be kept (orders as financial records) stays without it, and the email is gone from the files.
final class AccountDataTests: XCTestCase {
    let buyerEmail = "bea.quill-erasure@example.com", buyerName = "Bea Quillfeather"
    let sellerEmail = "sam.orrin-erasure@example.com", sellerName = "Sam Orrinwood"
    let domain = "bea-quill-shop.example.com"

    func testExportThenEraseRoundTrip() async throws {
        try await forEachEngine { harness, services, engine in
            let buyerEmail = self.buyerEmail, buyerName = self.buyerName, sellerEmail = self.sellerEmail, sellerName = self.sellerName
            let domain = self.domain
            try await harness.withRouter(services) { client, services in
                func signUp(_ email: String, _ name: String) async throws -> AuthResponse {
                    try await client.execute(uri: "/api/auth/signup", method: .post, headers: [.contentType: "application/json"],
                                             body: jsonBody(SignupRequest(email: email, password: "long enough pw", displayName: name)))
                        .decoded(AuthResponse.self)
                }
                let seller = try await signUp(sellerEmail, sellerName)
                let buyer = try await signUp(buyerEmail, buyerName)
                try await CatalogFixtures.list(services, slug: "shop", seller: seller.account, CatalogFixtures.details(title: "Shop", price: 10_000))
                let listing = try await XCTUnwrapAsync(try await services.catalog.listingForSale(slug: "shop"))
                let order = StoredOrder(id: "ord_test", listing: listing, buyerId: buyer.account.id, split: try FeePolicy.standard.split(listing.askingPrice),
                                        now: services.clock.now())
                try await services.orders.insert(order)
                try await services.orders.attachCheckoutSession(orderId: order.id, sessionId: "cs_test_1", url: "https://example/checkout",
                                                                expiresAt: services.clock.now().addingTimeInterval(3600))
                let paid = try await Webhook.post(client, Webhook.completed("evt_paid"), now: Date())
                XCTAssertEqual(paid.status, .ok)
                let store = services.deployments.store
                let now = services.clock.now()
                let deployment = Deployment(id: "dep_export1", orderId: order.id, listingSlug: "shop", accountId: "cf_account_1", domain: domain,
                                            state: .succeeded, steps: DeploymentStepKind.allCases.map { DeploymentStep(kind: $0, state: .succeeded) },
                                            resources: [], url: "https://\(domain)", lastMessage: "Live at https://\(domain)", lastEventId: 2,
                                            createdAt: now, updatedAt: now)
                try await store.insert(StoredDeployment(deployment: deployment, buyerId: buyer.account.id), events: [
                    DeploymentEvent(seq: 1, deploymentId: deployment.id, kind: .deployment, at: now, state: .queued, message: "queued"),
                    DeploymentEvent(seq: 2, deploymentId: deployment.id, kind: .deployment, at: now, state: .succeeded, message: "Live at https://\(domain)"),
                ])
                let passwordHash = try await XCTUnwrapAsync(try await services.accounts.credentials(email: buyerEmail)).passwordHash

                // The buyer's marketplace: an open offer with a message, a question, a watched listing, a saved search, a notification.
                let otherId = try await CatalogFixtures.list(services, slug: "other", seller: seller.account, CatalogFixtures.details(title: "Other", price: 20_000))
                let offerMessage = "Bea would pay this privately, ref 7319"
                let offered = try await client.execute(uri: "/api/offers", method: .post, headers: bearer(buyer.token),
                                                       body: jsonBody(MakeOfferRequest(listingSlug: "other", amount: .usd(15_000), message: offerMessage)))
                XCTAssertEqual(offered.status, .created)
                let offer = try offered.decoded(Offer.self)
                try await services.deals.insertQuestion(id: "q_bea", listingId: otherId, askerId: buyer.account.id, sellerId: seller.account.id,
                                                        text: "Does it come with the domain?", now: now)
                _ = try await services.market.watch(accountId: buyer.account.id, slug: "other", now: now)
                _ = try await services.market.saveSearch(accountId: buyer.account.id, SaveSearchRequest(name: "quill shops", q: "quill shop"), now: now)
                try await services.market.insertNotification(accountId: buyer.account.id, kind: .questionAnswered, message: "A note for Bea",
                                                             listingSlug: "other", referenceId: "q_bea", now: now)

                // Export: the buyer's and the seller's view of the same sale.
                let exported = try await client.execute(uri: "/api/account/export", method: .get, headers: bearer(buyer.token))
                XCTAssertEqual(exported.status, .ok)
                XCTAssertTrue(exported.headers[.contentDisposition]?.contains("attachment") ?? false)
                let mine = try exported.decoded(AccountExport.self)
                XCTAssertEqual(mine.account, buyer.account)
                XCTAssertEqual(mine.orders.map(\.id), ["ord_test"])
                XCTAssertEqual(mine.orders.first?.state, .inReview)
                XCTAssertEqual(mine.orders.first?.amount, .usd(10_000))
                XCTAssertEqual(mine.deployments.map(\.deployment.domain), [domain])
                XCTAssertEqual(mine.deployments.first?.events.map(\.seq), [1, 2])
                XCTAssertEqual(mine.sessions.count, 1)
                XCTAssertTrue(mine.sales.isEmpty && mine.listings.isEmpty && mine.payouts.isEmpty)
                XCTAssertEqual(mine.offers.map(\.id), [offer.id])
                XCTAssertEqual(mine.offers.first?.message, offerMessage)
                XCTAssertEqual(mine.offers.first?.yourRole, .buyer)
                XCTAssertEqual(mine.questions.map(\.id), ["q_bea"])
                XCTAssertEqual(mine.questions.first?.askedByYou, true)
                XCTAssertEqual(mine.watchlist.map(\.listing.slug), ["other"])
                XCTAssertEqual(mine.savedSearches.map(\.name), ["quill shops"])
                XCTAssertEqual(mine.notifications.map(\.message), ["A note for Bea"])
                let raw = String(decoding: Data(exported.body.readableBytesView), as: UTF8.self)
                XCTAssertFalse(raw.contains(buyer.token) || raw.contains(SessionToken.hash(buyer.token)) || raw.contains(passwordHash),
                               "no token, token hash or password hash in an export")
                let theirs = try await client.execute(uri: "/api/account/export", method: .get, headers: bearer(seller.token)).decoded(AccountExport.self)
                XCTAssertEqual(theirs.listings.map(\.slug), ["shop", "other"])
                XCTAssertEqual(theirs.sales.map(\.id), ["ord_test"])
                XCTAssertEqual(theirs.payouts.map(\.net), [.usd(8_500)])
                XCTAssertTrue(theirs.orders.isEmpty && theirs.deployments.isEmpty)
                XCTAssertEqual(theirs.offers.map(\.id), [offer.id], "the seller's export holds the offer made to them")
                XCTAssertEqual(theirs.offers.first?.yourRole, .seller)
                XCTAssertEqual(theirs.questions.first?.yourListing, true)
                XCTAssertTrue(theirs.watchlist.isEmpty && theirs.savedSearches.isEmpty)
                let anonymous = try await client.execute(uri: "/api/account/export", method: .get)
                XCTAssertEqual(anonymous.status, .unauthorized)

                // The bytes are in the database's files before the erasure (so the check after it can fail).
                let before = try await Self.storedBytes(services)
                XCTAssertTrue(before.contains { $0.range(of: Data(buyerEmail.utf8)) != nil }, "the check below can fail")

                // Erase: a confirmation that is not the email is refused and changes nothing.
                let refused = try await client.execute(uri: "/api/account", method: .delete, headers: bearer(buyer.token),
                                                       body: jsonBody(DeleteAccountRequest(confirm: "yes")))
                XCTAssertEqual(refused.status, .unprocessableContent)
                XCTAssertEqual(refused.errorBody?.error.field, "confirm")
                let stillIn = try await client.execute(uri: "/api/me", method: .get, headers: bearer(buyer.token))
                XCTAssertEqual(stillIn.status, .ok)

                let erased = try await client.execute(uri: "/api/account", method: .delete, headers: bearer(buyer.token),
                                                      body: jsonBody(DeleteAccountRequest(confirm: buyerEmail.uppercased())))
                XCTAssertEqual(erased.status, .ok)
                let receipt = try erased.decoded(AccountErasureReceipt.self)
                XCTAssertEqual(receipt.accountId, buyer.account.id)
                XCTAssertEqual(receipt.sessionsRevoked, 1)
                XCTAssertEqual(receipt.deploymentsRemoved, 1)
                XCTAssertEqual(receipt.ordersKept, 1)

                // Signed out everywhere, and the old password no longer signs in.
                let signedOut = try await client.execute(uri: "/api/me", method: .get, headers: bearer(buyer.token))
                XCTAssertEqual(signedOut.status, .unauthorized)
                let login = try await client.execute(uri: "/api/auth/login", method: .post, headers: [.contentType: "application/json"],
                                                     body: jsonBody(LoginRequest(email: buyerEmail, password: "long enough pw")))
                XCTAssertEqual(login.status, .unauthorized)
                // The email is free again.
                let again = try await client.execute(uri: "/api/auth/signup", method: .post, headers: [.contentType: "application/json"],
                                                     body: jsonBody(SignupRequest(email: "someone.else@example.com", password: "long enough pw", displayName: "X")))
                XCTAssertEqual(again.status, .created)

                // The buyer's own lists are gone; the open offer is withdrawn (the seller cannot accept a deal with an erased
                // account) and keeps its amount for the seller without the buyer's message.
                let watchlistAfter = try await services.market.watchlist(accountId: buyer.account.id, now: services.clock.now())
                let searchesAfter = try await services.market.savedSearches(accountId: buyer.account.id)
                let notificationsAfter = try await services.market.notifications(accountId: buyer.account.id, limit: 50, unreadOnly: false)
                XCTAssertTrue(watchlistAfter.isEmpty && searchesAfter.isEmpty && notificationsAfter.isEmpty)
                let offerAfter = try await XCTUnwrapAsync(try await services.deals.offer(id: offer.id))
                XCTAssertEqual(offerAfter.storedState, .withdrawn)
                XCTAssertNil(offerAfter.message)
                let sellersOffers = try await client.execute(uri: "/api/offers", method: .get, headers: bearer(seller.token)).decoded(OffersResponse.self)
                XCTAssertEqual(sellersOffers.offers.map(\.state), [.withdrawn])
                XCTAssertEqual(sellersOffers.offers.first?.amount, .usd(15_000))

                // The sale is kept for the seller, amounts intact, and the order points at an anonymous account.
                let kept = try await XCTUnwrapAsync(try await services.orders.order(id: "ord_test"))
                XCTAssertEqual(kept.amount, .usd(10_000))
                XCTAssertEqual(kept.state, .inReview)
                let payouts = try await client.execute(uri: "/api/seller/payouts", method: .get, headers: bearer(seller.token)).decoded(PayoutsResponse.self)
                XCTAssertEqual(payouts.payouts.map(\.orderId), ["ord_test"])
                let anonymised = try await XCTUnwrapAsync(try await services.accounts.account(id: buyer.account.id))
                XCTAssertEqual(anonymised.email, AccountData.erasedEmail(accountId: buyer.account.id))
                XCTAssertEqual(anonymised.displayName, AccountData.erasedDisplayName)

                // The seller erases too: the listing is withdrawn, the sale still kept.
                let sellerErased = try await client.execute(uri: "/api/account", method: .delete, headers: bearer(seller.token),
                                                            body: jsonBody(DeleteAccountRequest(confirm: sellerEmail))).decoded(AccountErasureReceipt.self)
                XCTAssertEqual(sellerErased.listingsWithdrawn, 2)
                XCTAssertEqual(sellerErased.ordersKept, 1)
                let gone = try await client.execute(uri: "/api/listings/shop", method: .get)
                XCTAssertEqual(gone.status, .notFound)

                // Nowhere in the database's files: not the emails, names, password hash or the buyer's domain.
                for file in try await Self.storedBytes(services) {
                    for secret in [buyerEmail, sellerEmail, buyerName, sellerName, passwordHash, domain, offerMessage, "A note for Bea", "quill shop"] {
                        XCTAssertNil(file.range(of: Data(secret.utf8)), "\(secret) is still in the database's bytes")
                    }
                }
            }
        }
    }

    /// What the database holds, as bytes. SQLite: its file and write-ahead log (so freed pages that still hold
    /// old text count too). PostgreSQL: every row of every table as text (its files belong to the server, and
    /// rows it has deleted stay in them until it vacuums; no other engine-neutral check reads those).
    static func storedBytes(_ services: PlatformServices) async throws -> [Data] {
        if let postgres = services.postgres {
            // One static query: each table of the schema rendered whole by the server (`query_to_xml` quotes the name).
            return try await postgres.rows("""
                SELECT query_to_xml(format('SELECT * FROM %I', tablename), true, false, '')::text
                FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename
                """).map { Data(try $0.decode(String.self).utf8) }
        }
        let path = services.configuration.dbPath
        return try [path, path + "-wal"].filter { FileManager.default.fileExists(atPath: $0) }.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
    }
}
