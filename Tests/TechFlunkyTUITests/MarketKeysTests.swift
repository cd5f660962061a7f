import Foundation
import TechFlunkyClient
import TechFlunkyCore
import XCTest
@testable import TechFlunkyTUI

/// A platform with a watchlist and notifications in memory, over the in-memory catalog.
actor MarketFakeService: MarketplaceService {
    let catalog: InMemoryMarketplace
    var watched: [String: WatchedListing] = [:]
    var notes: [MarketNotification]
    private(set) var markedRead: [MarkNotificationsReadRequest] = []
    private(set) var savedSearches: [SaveSearchRequest] = []

    init(catalog: InMemoryMarketplace, notifications: [MarketNotification]) {
        self.catalog = catalog
        notes = notifications
    }

    func perform(_ request: ServiceRequest) async throws -> ServiceResponse {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        switch request {
        case .watchlist: return .watchlist(Array(watched.values))
        case let .watch(slug):
            let page = try await catalog.listings(ListingQuery(limit: 100))
            guard let summary = page.items.first(where: { $0.slug == slug }) else { throw ServiceFailure(message: "no listing", code: "not_found") }
            let item = WatchedListing(listing: summary, saleState: .forSale, watchedAt: now)
            watched[slug] = item
            return .watched(item)
        case let .unwatch(slug):
            watched[slug] = nil
            return .unwatched(slug: slug)
        case .notifications:
            return .notifications(NotificationsResponse(notifications: notes, unreadCount: notes.filter(\.isUnread).count))
        case let .markNotificationsRead(body):
            markedRead.append(body)
            for i in notes.indices where body.ids?.contains(notes[i].id) ?? true { notes[i].readAt = now }
            return .unreadCount(notes.filter(\.isUnread).count)
        case let .saveSearch(body):
            savedSearches.append(body)
            return .savedSearch(SavedSearch(id: "srch_1", name: body.name, q: body.q, category: body.category, minPrice: body.minPrice,
                                            maxPrice: body.maxPrice, createdAt: now))
        default:
            return try await catalog.perform(request)
        }
    }

    nonisolated func deploymentUpdates(id: String, after: Int) -> AsyncThrowingStream<DeploymentStreamUpdate, any Error> {
        AsyncThrowingStream { $0.finish() }
    }
}

final class MarketKeysTests: XCTestCase {
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    func header(_ d: UIDriver) -> String { AppRenderer.render(d.state).rowText(0) }

    func testTheNotificationsStreamCountsInTheHeaderAndTheNotificationsPaneOpensTheListing() async throws {
        let catalog = InMemoryMarketplace(count: 5)
        let target = try await catalog.listings(ListingQuery(limit: 5)).items[2]
        let old = MarketNotification(id: 5, kind: .listingSold, message: "Sold: an old one", createdAt: Self.t0, readAt: Self.t0)
        let service = MarketFakeService(catalog: catalog, notifications: [old])
        var d = UIDriver(service: service, width: 120, height: 30)
        await d.start()
        XCTAssertEqual(d.state.newestNotification, 5, "the live stream resumes after the newest one listed")
        let subscription = try XCTUnwrap(d.state.notificationsSubscription)
        XCTAssertFalse(header(d).contains("unread"), header(d))

        // A price drop arrives on the stream: the header counts it, the status line says it.
        let drop = MarketNotification(id: 9, kind: .priceDrop, message: "Price drop: \(target.title) — $500 → $450", listingSlug: target.slug,
                                      listingTitle: target.title, oldPrice: .usd(50_000), newPrice: .usd(45_000), createdAt: Self.t0)
        await service.add(drop)
        await d.send(.subscription(subscription, .notifications(.notification(drop))))
        await d.send(.subscription(subscription, .notifications(.unread(1))))
        XCTAssertTrue(header(d).contains("✉ 1 unread"), header(d))
        XCTAssertTrue(d.screen.contains("Price drop: \(target.title)"), d.screen)
        XCTAssertTrue(d.screen.contains("N notifications"), "the footer offers N while something is unread:\n\(d.screen)")

        // N opens the pane: newest first, unread marked.
        await d.press(.char("N"))
        XCTAssertEqual(d.state.topPane.kind, .notifications)
        XCTAssertTrue(d.screen.contains("Notifications (1 unread)"), d.screen)
        let rows = d.screen.split(separator: "\n").map(String.init)
        let dropRow = try XCTUnwrap(rows.firstIndex { $0.contains("Price drop") })
        let oldRow = try XCTUnwrap(rows.firstIndex { $0.contains("Sold: an old one") })
        XCTAssertLessThan(dropRow, oldRow, "newest first")
        XCTAssertTrue(rows[dropRow].contains("●"), rows[dropRow])

        // Enter marks it read and opens its listing; the header's count follows the platform's answer.
        await d.press(.enter)
        let marked = await service.markedRead
        XCTAssertEqual(marked, [MarkNotificationsReadRequest(ids: [9])])
        XCTAssertEqual(d.state.topPane.kind, .listingDetail)
        XCTAssertEqual(d.state.topPane.title, target.title)
        XCTAssertFalse(header(d).contains("unread"), header(d))
    }

    func testWWatchesTheSelectedListingMarksItsRowAndWAgainUnwatches() async throws {
        let catalog = InMemoryMarketplace(count: 5)
        let service = MarketFakeService(catalog: catalog, notifications: [])
        var d = UIDriver(service: service, width: 120, height: 30)
        await d.start()
        let first = try XCTUnwrap(d.browse.items.first)
        XCTAssertFalse(d.screen.contains("★"), d.screen)
        await d.press(.char("w"))
        XCTAssertEqual(d.state.watchedSlugs, [first.slug])
        XCTAssertTrue(d.screen.contains("★ \(first.title)"), d.screen)
        XCTAssertEqual(d.browse.keyMap().first { $0.keys == [.char("w")] }?.description, "unwatch")
        // The listing's page knows it too.
        await d.press(.enter)
        XCTAssertTrue(d.screen.contains("On your watchlist"), d.screen)
        await d.press(.char("w"))
        XCTAssertEqual(d.state.watchedSlugs, [])
        XCTAssertFalse(d.screen.contains("On your watchlist"), d.screen)
        await d.press(.escape)
        XCTAssertFalse(d.screen.contains("★"), d.screen)
    }

    func testPlusSavesTheAppliedSearchUnderAName() async throws {
        let catalog = InMemoryMarketplace(count: 5)
        let service = MarketFakeService(catalog: catalog, notifications: [])
        var d = UIDriver(service: service, width: 120, height: 30)
        await d.start()
        await d.press(.char("/"))
        await d.type("business")
        await d.press(.enter)
        await d.press(.char("+"))
        XCTAssertTrue(d.screen.contains("Save this search"), d.screen)
        // The suggested name is the words searched; typing replaces nothing by itself, so clear and type one.
        for _ in 0..<"business".count { await d.press(.backspace) }
        await d.press(.enter)
        XCTAssertTrue(d.screen.contains("Type a name"), "an empty name is refused:\n\(d.screen)")
        await d.type("Cheap ones")
        await d.press(.enter)
        let saved = await service.savedSearches
        XCTAssertEqual(saved, [SaveSearchRequest(name: "Cheap ones", q: "business")])
        XCTAssertTrue(d.screen.contains("Saved “Cheap ones”"), d.screen)
    }
}

extension MarketFakeService {
    func add(_ notification: MarketNotification) { notes.insert(notification, at: 0) }
}
