import Foundation
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

/// The deal, market and package-version stores on both engines: the "checked and written together" rules when
/// two instances (two connection pools on one database) race, the watchlist, saved searches, reservations with
/// their notices, the notification stream's bell, and package versions.
final class DealMarketStoreTests: XCTestCase {
    /// A second instance's stores on the same database: another GRDB pool on the SQLite file, another connection
    /// pool on the PostgreSQL database. `close` ends it.
    struct SecondInstance {
        var deals: any DealStore
        var market: any MarketStore
        var close: @Sendable () async -> Void
    }

    func secondInstance(_ harness: PlatformTestHarness, _ services: PlatformServices) async throws -> SecondInstance {
        if let postgres = services.deals as? PostgresDealStore {
            let database = try await PostgresDatabase.open(postgres.database.url, logger: harness.configuration.logger, maximumConnections: 4)
            return SecondInstance(deals: PostgresDealStore(database: database), market: PostgresMarketStore(database: database, rang: {}),
                                  close: { await database.close() })
        }
        let database = try PlatformDatabase(path: harness.configuration.dbPath)
        return SecondInstance(deals: SQLiteDealStore(database: database), market: SQLiteMarketStore(database: database), close: {})
    }

    struct Listed {
        var seller: Account, buyer: Account
        var listingId: String
    }

    func listed(_ services: PlatformServices, slug: String = "shop") async throws -> Listed {
        let seller = try await CatalogFixtures.seller(services, email: "seller@example.com")
        let buyer = try await CatalogFixtures.seller(services, email: "buyer@example.com")
        let id = try await CatalogFixtures.list(services, slug: slug, seller: seller, CatalogFixtures.details(title: "Shop", price: 100_000_00))
        return Listed(seller: seller, buyer: buyer, listingId: id)
    }

    func newOffer(_ l: Listed, id: String, amount: Int64, now: Date, from: OfferParty = .buyer, previous: String? = nil,
                  thread: String? = nil) -> NewOffer {
        NewOffer(id: id, threadId: thread ?? id, listingId: l.listingId, buyerId: l.buyer.id, sellerId: l.seller.id, amount: .usd(amount), from: from,
                 message: nil, createdAt: now, expiresAt: now.addingTimeInterval(86_400), previousOfferId: previous)
    }

    func testTwoInstancesAnsweringOneOfferAtOnceHaveOneWinner() async throws {
        try await forEachEngine { harness, services, engine in
            let l = try await listed(services)
            let other = try await secondInstance(harness, services)
            let now = services.clock.now()
            for round in 0..<15 {
                let offer = newOffer(l, id: "ofr_race\(round)", amount: 50_000_00 + Int64(round), now: now)
                let blocking = try await services.deals.insertFirstOffer(offer, now: now)
                XCTAssertNil(blocking, "[\(engine)] round \(round): the previous round's offer was answered")
                // The seller accepts on this instance while countering on the other, at the same moment.
                let counter = newOffer(l, id: "ofr_counter\(round)", amount: 70_000_00, now: now, from: .seller, previous: offer.id, thread: offer.threadId)
                async let accepted = services.deals.answer(offerId: offer.id, state: .accepted, counter: nil, now: now)
                async let countered = other.deals.answer(offerId: offer.id, state: .countered, counter: counter, now: now)
                let (a, c) = try await (accepted, countered)
                XCTAssertTrue(a != c, "[\(engine)] round \(round): exactly one answer wins (accept \(a), counter \(c))")
                let stored = try await services.deals.offer(id: offer.id)
                XCTAssertEqual(stored?.storedState, a ? .accepted : .countered, "[\(engine)] round \(round)")
                let counterStored = try await services.deals.offer(id: counter.id)
                XCTAssertEqual(counterStored != nil, c, "[\(engine)] round \(round): the counter exists only when countering won")
                // Close the round so the next first offer is not blocked: decline the open counter or buy the accepted one.
                if c {
                    let declined = try await services.deals.answer(offerId: counter.id, state: .declined, counter: nil, now: now)
                    XCTAssertTrue(declined)
                } else {
                    try await services.deals.attachOrder(offerId: offer.id, orderId: "ord_\(round)")
                }
                // Answering an answered offer changes nothing.
                let late = try await other.deals.answer(offerId: offer.id, state: .declined, counter: nil, now: now)
                XCTAssertFalse(late)
            }
            await other.close()
        }
    }

    func testTwoInstancesMakingAFirstOfferAtOnceWriteOneAndTheSecondSeesIt() async throws {
        try await forEachEngine { harness, services, engine in
            let l = try await listed(services)
            let other = try await secondInstance(harness, services)
            let now = services.clock.now()
            for round in 0..<10 {
                let first = newOffer(l, id: "ofr_a\(round)", amount: 40_000_00, now: now)
                let second = newOffer(l, id: "ofr_b\(round)", amount: 41_000_00, now: now)
                async let one = services.deals.insertFirstOffer(first, now: now)
                async let two = other.deals.insertFirstOffer(second, now: now)
                let (blockedOne, blockedTwo) = try await (one, two)
                XCTAssertTrue((blockedOne == nil) != (blockedTwo == nil), "[\(engine)] round \(round): one offer written, the other refused")
                let open = try await services.deals.offers(accountId: l.buyer.id).filter { $0.state(now: now) == .open }
                XCTAssertEqual(open.count, 1, "[\(engine)] round \(round): one open offer per thread")
                XCTAssertEqual((blockedOne ?? blockedTwo)?.id, open.first?.id, "the refused one is shown the offer that blocks it")
                guard let openOffer = open.first else { continue }
                let withdrawn = try await services.deals.answer(offerId: openOffer.id, state: .withdrawn, counter: nil, now: now)
                XCTAssertTrue(withdrawn)
            }
            // Every later offer joined the first thread.
            let threads = Set(try await services.deals.offers(accountId: l.seller.id).map(\.threadId))
            XCTAssertEqual(threads.count, 1)
            await other.close()
        }
    }

    func testReservingIsOneWinnerAcrossInstancesAndTellsTheWatchers() async throws {
        try await forEachEngine { harness, services, engine in
            let l = try await listed(services)
            let watcher = try await CatalogFixtures.seller(services, email: "watcher@example.com")
            let other = try await secondInstance(harness, services)
            let now = services.clock.now()
            let watched = try await services.market.watch(accountId: watcher.id, slug: "shop", now: now)
            XCTAssertEqual(watched?.saleState, .forSale)
            XCTAssertEqual(watched?.listing.slug, "shop")

            let until = now.addingTimeInterval(1_800)
            async let one = services.market.reserve(listingId: l.listingId, orderId: "ord_1", buyerId: l.buyer.id, until: until, now: now)
            async let two = other.market.reserve(listingId: l.listingId, orderId: "ord_2", buyerId: watcher.id, until: until, now: now)
            let outcomes = try await [one, two]
            XCTAssertEqual(outcomes.filter { $0 == .reserved }.count, 1, "[\(engine)] \(outcomes)")
            XCTAssertTrue(outcomes.contains(.heldByAnother(until: StoredTime.decode(StoredTime.encode(until)))), "[\(engine)] \(outcomes)")
            let again = try await services.market.reserve(listingId: l.listingId, orderId: "ord_3", buyerId: l.buyer.id, until: until, now: now)
            XCTAssertEqual(again, .heldByAnother(until: StoredTime.decode(StoredTime.encode(until))))
            let list = try await services.market.watchlist(accountId: watcher.id, now: now)
            XCTAssertEqual(list.map(\.saleState), [.reserved])

            // The lapsed checkout frees it on the first instance that looks; the second finds nothing to do.
            let later = until.addingTimeInterval(1)
            let freed = try await services.market.releaseLapsedReservations(now: later)
            let freedAgain = try await other.market.releaseLapsedReservations(now: later)
            XCTAssertEqual([freed, freedAgain], [1, 0])
            let notices = try await services.market.notifications(accountId: watcher.id, limit: 10, unreadOnly: false).map(\.kind)
            // The watcher who lost the race caused no notice of its own reservation; the winner's (if not the watcher) told it.
            let winnerWasWatcher = outcomes[1] == .reserved
            XCTAssertEqual(notices, winnerWasWatcher ? [.backOnSale] : [.backOnSale, .listingReserved], "[\(engine)]")
            let now2 = try await services.market.watchlist(accountId: watcher.id, now: later).map(\.saleState)
            XCTAssertEqual(now2, [.forSale])
            let unwatched = try await services.market.unwatch(accountId: watcher.id, slug: "shop")
            let unwatchedAgain = try await services.market.unwatch(accountId: watcher.id, slug: "shop")
            XCTAssertEqual([unwatched, unwatchedAgain], [true, false])
            let missing = try await services.market.watch(accountId: watcher.id, slug: "no-such-listing", now: now)
            XCTAssertNil(missing)
            await other.close()
        }
    }

    func testSavedSearchesReplaceByNameAndNotificationsReadAndCount() async throws {
        try await forEachEngine { _, services, engine in
            let l = try await listed(services)
            let now = services.clock.now()
            let first = try await services.market.saveSearch(accountId: l.buyer.id, SaveSearchRequest(name: "b cheap", q: "invoice", maxPrice: 100_000), now: now)
            _ = try await services.market.saveSearch(accountId: l.buyer.id, SaveSearchRequest(name: "A garden", category: "Home"), now: now)
            let replaced = try await services.market.saveSearch(accountId: l.buyer.id, SaveSearchRequest(name: "b cheap", q: "garden"), now: now)
            XCTAssertEqual(replaced.id, first.id, "[\(engine)] the same name is the same search")
            XCTAssertEqual(replaced.q, "garden")
            XCTAssertNil(replaced.maxPrice)
            let names = try await services.market.savedSearches(accountId: l.buyer.id).map(\.name)
            XCTAssertEqual(names, ["A garden", "b cheap"], "[\(engine)] ordered by name, ignoring case")
            let deleted = try await services.market.deleteSavedSearch(accountId: l.buyer.id, id: first.id)
            let deletedBySomeoneElse = try await services.market.deleteSavedSearch(accountId: l.seller.id, id: first.id)
            XCTAssertEqual([deleted, deletedBySomeoneElse], [true, false])

            for n in 1...3 {
                try await services.market.insertNotification(accountId: l.buyer.id, kind: .offerAnswered, message: "answer \(n)", listingSlug: "shop",
                                                             referenceId: "ofr_\(n)", now: now)
            }
            let all = try await services.market.notifications(accountId: l.buyer.id, limit: 10, unreadOnly: false)
            XCTAssertEqual(all.map(\.message), ["answer 3", "answer 2", "answer 1"], "[\(engine)] newest first")
            XCTAssertEqual(all.first?.listingTitle, "Shop", "the title is looked up from the slug")
            let after = try await services.market.notifications(accountId: l.buyer.id, after: all[2].id, limit: 10)
            XCTAssertEqual(after.map(\.message), ["answer 2", "answer 3"], "oldest first after an id")
            let unreadAfterOne = try await services.market.markRead(accountId: l.buyer.id, MarkNotificationsReadRequest(ids: [all[0].id]), now: now)
            XCTAssertEqual(unreadAfterOne, 2)
            let unreadAfterUpTo = try await services.market.markRead(accountId: l.buyer.id, MarkNotificationsReadRequest(upTo: all[1].id), now: now)
            XCTAssertEqual(unreadAfterUpTo, 0)
            let unread = try await services.market.notifications(accountId: l.buyer.id, limit: 10, unreadOnly: true)
            XCTAssertEqual(unread, [])
            let sellersCount = try await services.market.unreadCount(accountId: l.seller.id)
            XCTAssertEqual(sellersCount, 0, "[\(engine)] another account's notifications are not counted")
        }
    }

    /// On SQLite the bell hears the commit through GRDB; on PostgreSQL the store rings it. Either way an open stream
    /// has the notification and the new unread count without polling.
    func testANotificationWrittenThroughTheStoreReachesAnOpenStream() async throws {
        try await forEachEngine { _, services, engine in
            let l = try await listed(services)
            // The stream's frames, parsed; a watchdog ends them if nothing comes, so a bell that never rings fails the test.
            let (events, sink) = AsyncStream<SSEFrame>.makeStream()
            let reader = Task {
                var parser = SSEParser()
                for await chunk in services.notifications.frames(accountId: l.buyer.id, after: 0) {
                    for frame in parser.feed(chunk) { sink.yield(frame) }
                }
                sink.finish()
            }
            let watchdog = Task {
                try await Task.sleep(nanoseconds: 30_000_000_000)
                reader.cancel()
                sink.finish()
            }
            defer { watchdog.cancel(); reader.cancel() }
            var iterator = events.makeAsyncIterator()
            func next(_ event: String) async throws -> SSEFrame {
                while let frame = await iterator.next() {
                    if frame.event == event { return frame }
                }
                throw DeploymentTestTimeout(seconds: 30)
            }
            let opened = try await next("unread")
            XCTAssertEqual(opened.data, #"{"unreadCount":0}"#, "[\(engine)]")
            try await services.notifications.notify(accountId: l.buyer.id, kind: .questionAnswered, message: "The seller answered",
                                                    listingSlug: "shop", referenceId: "q_1")
            let frame = try await next("notification")
            let notification = try WireJSON.decode(MarketNotification.self, from: Data(frame.data.utf8))
            XCTAssertEqual(notification.referenceId, "q_1", "[\(engine)]")
            XCTAssertEqual(frame.id, String(notification.id))
            let count = try await next("unread")
            XCTAssertEqual(count.data, #"{"unreadCount":1}"#)
            _ = try await services.market.markRead(accountId: l.buyer.id, MarkNotificationsReadRequest(), now: services.clock.now())
            let read = try await next("unread")
            XCTAssertEqual(read.data, #"{"unreadCount":0}"#, "[\(engine)] marking read rings the bell too")
        }
    }

    func testOnlyAPriceCutTellsTheWatchersWithTheOldAndNewPrice() async throws {
        try await forEachEngine { _, services, engine in
            let l = try await listed(services)
            let now = services.clock.now()
            _ = try await services.market.watch(accountId: l.buyer.id, slug: "shop", now: now)
            _ = try await services.market.watch(accountId: l.seller.id, slug: "shop", now: now)
            for price: Int64 in [100_000_00, 110_000_00, 90_000_00] {
                let updated = try await services.catalog.update(slug: "shop", sellerId: l.seller.id, details: CatalogFixtures.details(title: "Shop", price: price),
                                                                manifest: nil, assets: nil, now: now)
                XCTAssertTrue(updated)
            }
            let told = try await services.market.notifications(accountId: l.buyer.id, limit: 10, unreadOnly: false)
            XCTAssertEqual(told.map(\.kind), [.priceDrop], "[\(engine)] the same price and a rise tell nobody")
            XCTAssertEqual(told.first?.oldPrice, .usd(110_000_00))
            XCTAssertEqual(told.first?.newPrice, .usd(90_000_00))
            XCTAssertEqual(told.first?.listingSlug, "shop")
            let sellerTold = try await services.market.unreadCount(accountId: l.seller.id)
            XCTAssertEqual(sellerTold, 0, "[\(engine)] the seller who cut the price is not told of it")
        }
    }

    func testPackageVersionsRecordTheFirstOnListingAndKeepChangelogs() async throws {
        try await forEachEngine { _, services, engine in
            _ = try await listed(services)
            let first = try await services.versions.versions(slug: "shop")
            XCTAssertEqual(first.map(\.version), ["1.0.0"], "[\(engine)] listing a package records its version")
            let later = services.clock.now().addingTimeInterval(60)
            let recorded = try await services.versions.record(slug: "shop", version: "1.10.0", changelog: "Faster", at: later)
            let recordedAgain = try await services.versions.record(slug: "shop", version: "1.10.0", changelog: "Other", at: later)
            let changelogForFirst = try await services.versions.record(slug: "shop", version: "1.0.0", changelog: "The first", at: later)
            let patch = try await services.versions.record(slug: "shop", version: "1.9.0", changelog: "", at: later.addingTimeInterval(60))
            XCTAssertEqual([recorded, recordedAgain, changelogForFirst, patch], [true, false, true, true], "[\(engine)]")
            let all = try await services.versions.versions(slug: "shop")
            XCTAssertEqual(all.map(\.version), ["1.10.0", "1.9.0", "1.0.0"], "[\(engine)] semver order, not text or time")
            XCTAssertEqual(all.map(\.changelog), ["Faster", "", "The first"])
            let current = try await services.versions.currentVersions(slugs: ["shop", "shop", "nowhere"])
            XCTAssertEqual(current, ["shop": "1.0.0"], "[\(engine)] the stored manifest's version")
        }
    }
}
