import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

/// Several instances on one PostgreSQL database, as several `serve` processes behind a load balancer: each its own
/// pool, its own change feed, its own page cache and notification bell. What one changes the others must see.
final class PostgresInstancesTests: XCTestCase {
    /// Two instances, A and B, on one fresh PostgreSQL database. They share the harness's SQLite file for the stores
    /// not on PostgreSQL yet (as `harness.services(on: .postgres)` does), so a notification written through A is
    /// there for B to read.
    private func twoInstances(_ body: (PlatformTestHarness, PlatformServices, PlatformServices, PostgresDatabase) async throws -> Void) async throws {
        if PostgresTestServer.isOptedOut { return }
        let harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        let a = try await PostgresTestServer.freshDatabase(logger: harness.configuration.logger)
        let b = try await PostgresDatabase.open(a.url, logger: harness.configuration.logger, maximumConnections: 4)
        do {
            let servicesA = try harness.postgresServices(on: a)
            let servicesB = try harness.postgresServices(on: b)
            // Both listen before anything changes, so what B sees below came through its feed, not its first connection.
            try await withDeadline(10) { await a.runningChangeFeed?.waitUntilListening() }
            try await withDeadline(10) { await b.runningChangeFeed?.waitUntilListening() }
            try await body(harness, servicesA, servicesB, a)
        } catch {
            await a.close()
            await b.close()
            throw error
        }
        await a.close()
        await b.close()
    }

    /// Waits (with a deadline) until `condition` holds.
    private func eventually(_ what: String, within seconds: Double = 10, _ condition: @escaping @Sendable () async throws -> Bool) async throws {
        do {
            try await withDeadline(seconds) {
                while try await !condition() { try await Task.sleep(for: .milliseconds(10)) }
            }
        } catch is DeploymentTestTimeout {
            XCTFail("\(what) did not happen within \(seconds) s")
        }
    }

    private func firstPage(_ harness: PlatformTestHarness, _ services: PlatformServices) async throws -> ListingPage {
        try await harness.withRouter(services) { client, _ in
            let response = try await client.execute(uri: "/api/listings?limit=10", method: .get)
            XCTAssertEqual(response.status, .ok)
            return try response.decoded(ListingPage.self)
        }
    }

    func testAListingChangeThroughOneInstanceMakesAnothersNextPageFresh() async throws {
        try await twoInstances { harness, a, b, _ in
            let seller = try await CatalogFixtures.seller(a)
            try await CatalogFixtures.list(a, slug: "shop", seller: seller, CatalogFixtures.details(title: "Shop", price: 50_000))
            try await eventually("B's generation to follow A's insert") { b.catalogGeneration.current > 1 }
            // B serves the page and caches it.
            let before = try await firstPage(harness, b)
            XCTAssertEqual(before.items.map(\.askingPrice), [.usd(50_000)])
            let cachedAt = b.catalogGeneration.current
            XCTAssertEqual(b.listingPages.count, 1, "B cached the page")

            // A changes the price; A's own generation moves at once, B's when PostgreSQL tells it.
            let changed = try await a.catalog.update(slug: "shop", sellerId: seller.id, details: CatalogFixtures.details(title: "Shop", price: 40_000),
                                                     manifest: nil, assets: nil, now: a.clock.now())
            XCTAssertTrue(changed)
            try await eventually("B's generation to move past its cached page") { b.catalogGeneration.current > cachedAt }
            let after = try await firstPage(harness, b)
            XCTAssertEqual(after.items.map(\.askingPrice), [.usd(40_000)], "B's next page shows A's change")

            // A seller's new name (shown on every page) reaches B too, written by hand as an operator might.
            let renamedAt = b.catalogGeneration.current
            try await a.postgres!.execute("UPDATE accounts SET display_name = 'Renamed Seller' WHERE id = \(seller.id)")
            try await eventually("B's generation to follow the rename") { b.catalogGeneration.current > renamedAt }
            let renamed = try await firstPage(harness, b)
            XCTAssertEqual(renamed.items.first?.seller.displayName, "Renamed Seller")
        }
    }

    func testAWriteThatRollsBackTellsNoInstance() async throws {
        try await twoInstances { _, a, b, database in
            let seller = try await CatalogFixtures.seller(a)
            try await CatalogFixtures.list(a, slug: "shop", seller: seller, CatalogFixtures.details(title: "Shop"))
            try await eventually("B to hear the insert") { b.catalogGeneration.current > 1 }
            let settled = b.catalogGeneration.current
            // A rolled-back update, then a committed one: B hears one change, the committed one (NOTIFY is sent at commit).
            _ = try? await database.client.withTransaction(logger: database.logger) { connection in
                try await connection.query("UPDATE listings SET price = 1 WHERE slug = 'shop'", logger: database.logger)
                throw CancellationError()
            }
            try await database.execute("UPDATE listings SET price = 2 WHERE slug = 'shop'")
            try await eventually("B to hear the committed update") { b.catalogGeneration.current > settled }
            XCTAssertEqual(b.catalogGeneration.current, settled + 1, "the rolled-back update was never announced")
        }
    }

    func testANotificationWrittenThroughOneInstanceReachesAStreamOnAnother() async throws {
        try await twoInstances { harness, a, b, database in
            let buyer = try await CatalogFixtures.seller(a, email: "buyer@example.com")
            // The interim market store is SQLite's: the notification's account has to be there as well.
            try await PlatformDatabase(path: harness.configuration.dbPath).pool.write { db in
                try db.execute(sql: "INSERT INTO accounts (id, email, display_name, password_hash, created_at) VALUES (?, ?, 'Buyer', 'x', 0)",
                               arguments: [buyer.id, buyer.email])
            }
            let frames = b.notifications.frames(accountId: buyer.id, after: 0)
            let reader = Task { () -> [String] in
                var seen: [String] = []
                for await frame in frames {
                    seen.append(frame)
                    if frame.contains("event: notification") { return seen }
                }
                return seen
            }
            // The stream has read the (empty) history and waits for a ring.
            try await eventually("B's stream to listen") { b.notifications.bell.listenerCount > 0 }

            try await a.notifications.notify(accountId: buyer.id, kind: .questionAnswered, message: "The seller answered", referenceId: "q_1")
            // `notifications` comes to PostgreSQL with the market store (pg_v5, issue 16); until then a stand-in table carries
            // `pg_v7_platform`'s trigger function, which announces the account id at the commit of A's write.
            try await database.execute("CREATE TABLE notifications_probe (account_id TEXT NOT NULL)")
            try await database.execute("""
                CREATE TRIGGER notifications_probe_changed AFTER INSERT ON notifications_probe
                    FOR EACH ROW EXECUTE FUNCTION techflunky_notifications_changed()
                """)
            try await database.execute("INSERT INTO notifications_probe VALUES (\(buyer.id))")
            let seen = try await withDeadline(10) { await reader.value }
            let frame = try XCTUnwrap(seen.last)
            XCTAssertTrue(frame.contains("event: notification"), frame)
            XCTAssertTrue(frame.contains("The seller answered"), frame)
            reader.cancel()
        }
    }

    func testTheFeedReconnectsAndCatchesUpAfterItsConnectionDrops() async throws {
        try await twoInstances { _, a, b, database in
            let feed = try XCTUnwrap(b.postgres?.runningChangeFeed)
            let backend = try XCTUnwrap(feed.listeningBackend)
            let before = b.catalogGeneration.current
            // The server ends B's listening session (a restart, a failover, an idle-connection killer).
            try await database.execute("SELECT pg_terminate_backend(\(backend))")
            try await withDeadline(15) { await feed.waitUntilListening(sessions: 2) }
            XCTAssertNotEqual(feed.listeningBackend, backend, "a new session listens")
            XCTAssertGreaterThan(b.catalogGeneration.current, before, "a reconnection drops every cached page: changes may have been missed")

            // And it hears what comes next.
            let reconnectedAt = b.catalogGeneration.current
            let seller = try await CatalogFixtures.seller(a)
            try await CatalogFixtures.list(a, slug: "after", seller: seller, CatalogFixtures.details(title: "After"))
            try await eventually("B to hear a change after reconnecting") { b.catalogGeneration.current > reconnectedAt }
        }
    }

    func testThePostgresEngineOpensEveryStoreOnPostgresAndNoSQLiteFile() async throws {
        if PostgresTestServer.isOptedOut { return }
        var harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        let database = try await PostgresTestServer.freshDatabase(logger: harness.configuration.logger)
        harness.configuration.databaseURL = database.url
        let services = try await PlatformServices.open(harness.configuration)
        XCTAssertEqual(services.engine, .postgres)
        XCTAssertNil(services.database, "no SQLite database on the PostgreSQL engine")
        XCTAssertTrue(services.accounts is PostgresAccountStore)
        XCTAssertTrue(services.catalog is PostgresCatalogStore)
        XCTAssertTrue(services.orders is PostgresOrderStore)
        XCTAssertTrue(services.deals is PostgresDealStore)
        XCTAssertTrue(services.market is PostgresMarketStore)
        XCTAssertTrue(services.versions is PostgresPackageVersionStore)
        XCTAssertTrue(services.deployments.store is PostgresDeploymentStore)
        XCTAssertFalse(FileManager.default.fileExists(atPath: harness.configuration.dbPath), "no SQLite file was made beside it")
        let applied = try await database.appliedMigrations()
        XCTAssertEqual(applied, PostgresSchema.migrations.map(\.name), "every migration, in order")
        await services.close()
        await database.close()
    }

    func testTheEngineNamesStoresThatHaveNoPostgresImplementation() {
        var parts = PlatformStores.Parts()
        XCTAssertEqual(parts.missing, ["accounts and sessions", "the catalog", "orders and payout holds", "offers and questions",
                                       "watchlists, saved searches and notifications", "package versions", "deployments"])
        let error = PlatformEngineError.notOnPostgres(missing: parts.missing)
        XCTAssertTrue(error.description.contains("Serve from SQLite for now"), error.description)
        parts.deals = nil
        XCTAssertTrue(parts.missing.contains("offers and questions"))
    }
}
