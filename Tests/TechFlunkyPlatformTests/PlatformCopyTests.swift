import Foundation
import GRDB
import Logging
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

/// `techflunky admin copy`: a SQLite platform into a fresh PostgreSQL database, read back through the PostgreSQL
/// stores and compared with what the SQLite stores answer.
final class PlatformCopyTests: XCTestCase {
    let logger: Logger = {
        var logger = Logger(label: "test.copy")
        logger.logLevel = .warning
        return logger
    }()

    override func setUp() async throws {
        try XCTSkipIf(PostgresTestServer.isOptedOut, "\(PostgresTestServer.optOutVariable) is set")
    }

    static func months(_ count: Int) -> [MonthlyFigures] {
        let first = ListingHistory.monthIndex("2024-01")!
        return (0..<count).map { MonthlyFigures(month: ListingHistory.monthText(first + $0), revenue: 900_00 + Int64($0) * 37_00, profit: 300_00, visitors: 800 + $0) }
    }

    /// A SQLite platform with a seller (onboarded: Stripe account and booleans), a buyer with a session, and three
    /// listings with history (one withdrawn, one titled in several scripts). Returns the buyer's session token.
    func seed(_ services: PlatformServices) async throws -> (seller: Account, buyer: Account, token: String, slugs: [String]) {
        let seller = try await CatalogFixtures.seller(services)
        try await CatalogFixtures.onboard(services, seller)
        let buyer = try await services.accounts.createAccount(email: "Buyer@Example.com", displayName: "Bùyer ☕ שלום", passwordHash: "hash-b",
                                                              now: services.clock.now())
        let token = try await AccountRoutes.startSession(for: buyer, services: services).token
        var slugs: [String] = []
        for (index, title) in ["Invoicely", "Café Planner — naïve 🚀", "Tiny Tracker"].enumerated() {
            var details = CatalogFixtures.details(title: title, price: Int64(1_000_00 * (index + 1)), stack: ["Workers", "D1"])
            details.history = Self.months(12 + index)
            let slug = "listing-\(index)"
            try await CatalogFixtures.list(services, slug: slug, seller: seller, details, at: services.clock.now().addingTimeInterval(Double(index)))
            slugs.append(slug)
        }
        let withdrawn = try await services.catalog.withdraw(slug: "listing-2", sellerId: seller.id, now: services.clock.now())
        XCTAssertTrue(withdrawn)
        return (seller, buyer, token, slugs)
    }

    /// Publishing records a listing's first version in `listing_versions`, which has no PostgreSQL table until the
    /// deals/market/versions stores are ported: these tests leave it behind knowingly (`partial`), as an operator would
    /// have to, and check everything else. Refusing it without `partial` is `testDataWithNoPostgresPlaceIsRefusedUnlessPartial`'s.
    static let partial = PlatformCopy.Options(partial: true)

    func count(_ table: String, in postgres: PostgresDatabase) async throws -> Int64 {
        try await postgres.rows("SELECT count(*)::bigint FROM \(unescaped: table)").first!.decode(Int64.self)
    }

    func testACopyReadsBackThroughThePostgresStoresAsSQLiteHadIt() async throws {
        let harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        let services = try harness.services()
        let seeded = try await seed(services)
        let postgres = try await PostgresTestServer.freshDatabase(logger: logger)

        // The SQLite platform stays open (as a running serve would): the copy reads one snapshot of it.
        let report = try await PlatformCopy.run(sqlitePath: harness.configuration.dbPath, to: postgres.url, options: Self.partial, logger: logger)
        let rows = Dictionary(uniqueKeysWithValues: report.tables.map { ($0.name, $0.rows) })
        XCTAssertEqual(rows["accounts"], 2)
        XCTAssertEqual(rows["sessions"], 1)
        XCTAssertEqual(rows["listings"], 3, "the withdrawn listing is copied too")
        XCTAssertEqual(report.tables.first?.name, "accounts", "accounts before the tables that refer to them")
        XCTAssertEqual(report.tables.first { $0.name == "listings" }?.identity?.next, 4)
        XCTAssertTrue(report.internalTables.contains("grdb_migrations"))
        XCTAssertTrue(report.internalTables.contains("listings_fts"))
        XCTAssertFalse(report.tables.contains { $0.name.hasPrefix("listings_fts") })

        let accounts = PostgresAccountStore(database: postgres)
        let catalog = PostgresCatalogStore(database: postgres, generation: CatalogGeneration())
        for account in [seeded.seller, seeded.buyer] {
            let original = try await services.accounts.account(id: account.id)
            let copied = try await accounts.account(id: account.id)
            XCTAssertEqual(copied, original)
            let sqliteState = try await services.accounts.sellerState(accountId: account.id)
            let postgresState = try await accounts.sellerState(accountId: account.id)
            XCTAssertEqual(postgresState, sqliteState)
        }
        let payoutsEnabled = try await accounts.sellerState(accountId: seeded.seller.id).payoutsEnabled
        XCTAssertEqual(payoutsEnabled, true, "BOOLEAN from SQLite's 1")
        let passwordHash = try await accounts.credentials(email: "buyer@example.com")?.passwordHash
        XCTAssertEqual(passwordHash, "hash-b")
        let signedIn = try await accounts.account(forSessionToken: seeded.token, now: services.clock.now())
        XCTAssertEqual(signedIn?.id, seeded.buyer.id, "a session made on SQLite signs in on PostgreSQL")

        for slug in seeded.slugs {
            let original = try await services.catalog.listing(slug: slug)
            let copied = try await catalog.listing(slug: slug)
            XCTAssertEqual(copied, original, slug)
        }
        let history = try await catalog.listing(slug: "listing-1")?.history
        XCTAssertEqual(history, Self.months(13))
        let withdrawnListing = try await catalog.listing(slug: "listing-2")
        XCTAssertNil(withdrawnListing, "withdrawn stays withdrawn")
        let sqlitePage = try await services.catalog.search(ListingQuery(limit: 50))
        let postgresPage = try await catalog.search(ListingQuery(limit: 50))
        XCTAssertEqual(postgresPage.items, sqlitePage.items)
        XCTAssertEqual(postgresPage.items.count, 2)
        let found = try await catalog.search(ListingQuery(q: "planner", limit: 10))
        XCTAssertEqual(found.items.map(\.slug), ["listing-1"], "PostgreSQL's search index covers the copied rows")
        let sqliteCategories = try await services.catalog.categories()
        let postgresCategories = try await catalog.categories()
        XCTAssertEqual(postgresCategories, sqliteCategories)

        // The identity sequence moved past the copied keys: a new listing on PostgreSQL gets a fresh one.
        try await catalog.insert(NewListing(slug: "after-copy", sellerId: seeded.seller.id, details: CatalogFixtures.details(title: "After Copy"),
                                            manifest: CatalogFixtures.manifest(slug: "after-copy"), assets: []), now: services.clock.now())
        let seq = try await postgres.rows("SELECT seq FROM listings WHERE slug = 'after-copy'").first!.decode(Int64.self)
        XCTAssertEqual(seq, 4)
        await postgres.close()
    }

    func testANonEmptyTargetIsRefusedUnlessReplaced() async throws {
        let harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        let services = try harness.services()
        _ = try await seed(services)
        let postgres = try await PostgresTestServer.freshDatabase(logger: logger)
        _ = try await PlatformCopy.run(sqlitePath: harness.configuration.dbPath, to: postgres.url, options: Self.partial, logger: logger)

        do {
            _ = try await PlatformCopy.run(sqlitePath: harness.configuration.dbPath, to: postgres.url, options: Self.partial, logger: logger)
            XCTFail("copied into a database that holds rows")
        } catch let error as PlatformCopyError {
            guard case .targetNotEmpty(_, let tables) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(tables.first { $0.name == "accounts" }?.rows, 2)
            XCTAssertTrue(error.description.contains("--replace"), error.description)
        }
        let accountsAfterRefusal = try await count("accounts", in: postgres)
        XCTAssertEqual(accountsAfterRefusal, 2, "the refused copy changed nothing")

        let replaced = try await PlatformCopy.run(sqlitePath: harness.configuration.dbPath, to: postgres.url,
                                                  options: .init(replace: true, partial: true), logger: logger)
        XCTAssertEqual(replaced.replaced.first { $0.name == "listings" }?.rows, 3)
        let accountsAfterReplace = try await count("accounts", in: postgres)
        XCTAssertEqual(accountsAfterReplace, 2)
        let listingsAfterReplace = try await count("listings", in: postgres)
        XCTAssertEqual(listingsAfterReplace, 3)
        await postgres.close()
    }

    func testDataWithNoPostgresPlaceIsRefusedUnlessPartial() async throws {
        let harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        let services = try harness.services()
        _ = try await seed(services)
        let raw = try DatabaseQueue(path: harness.configuration.dbPath)
        try await raw.write { db in
            try db.execute(sql: "CREATE TABLE extra_notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO extra_notes (body) VALUES ('keep me')")
            try db.execute(sql: "ALTER TABLE accounts ADD COLUMN nickname TEXT; UPDATE accounts SET nickname = 'nick'")
            try db.execute(sql: "CREATE TABLE empty_future (id TEXT)")
        }
        try raw.close()
        let postgres = try await PostgresTestServer.freshDatabase(logger: logger)
        do {
            _ = try await PlatformCopy.run(sqlitePath: harness.configuration.dbPath, to: postgres.url, logger: logger)
            XCTFail("left data behind without being told to")
        } catch let error as PlatformCopyError {
            XCTAssertTrue(error.description.contains("extra_notes (1 rows)"), error.description)
            XCTAssertTrue(error.description.contains("accounts.nickname (2 values)"), error.description)
            XCTAssertFalse(error.description.contains("empty_future"), "an empty table loses nothing: \(error.description)")
        }
        let accountsAfterRefusal = try await count("accounts", in: postgres)
        XCTAssertEqual(accountsAfterRefusal, 0)

        let report = try await PlatformCopy.run(sqlitePath: harness.configuration.dbPath, to: postgres.url,
                                                options: .init(partial: true), logger: logger)
        XCTAssertEqual(report.notCopied.first { $0.name == "extra_notes" }?.rows, 1)
        XCTAssertEqual(report.notCopied.first { $0.name == "empty_future" }?.rows, 0)
        XCTAssertEqual(report.tables.first { $0.name == "accounts" }?.sqliteOnlyColumns, ["nickname"])
        let accountsAfterPartial = try await count("accounts", in: postgres)
        XCTAssertEqual(accountsAfterPartial, 2)
        await postgres.close()
    }

    func testAValueThatDoesNotConvertRollsBackEveryTable() async throws {
        let harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        let services = try harness.services()
        _ = try await seed(services)
        let raw = try DatabaseQueue(path: harness.configuration.dbPath)
        // Listings are copied after accounts: the accounts already inserted must go with the failure.
        try await raw.write { db in try db.execute(sql: "UPDATE listings SET description = 'a' || char(0) || 'b' WHERE slug = 'listing-1'") }
        let postgres = try await PostgresTestServer.freshDatabase(logger: logger)
        do {
            _ = try await PlatformCopy.run(sqlitePath: harness.configuration.dbPath, to: postgres.url, options: Self.partial, logger: logger)
            XCTFail("copied a NUL into PostgreSQL text")
        } catch let error as PlatformCopyError {
            XCTAssertTrue(error.description.contains("listings.description of row rowid 2"), error.description)
            XCTAssertTrue(error.description.contains("U+0000"), error.description)
        }
        let accountsAfterFailure = try await count("accounts", in: postgres)
        XCTAssertEqual(accountsAfterFailure, 0, "one transaction: nothing committed")
        let listingsAfterFailure = try await count("listings", in: postgres)
        XCTAssertEqual(listingsAfterFailure, 0)

        try await raw.write { db in
            try db.execute(sql: "UPDATE listings SET description = 'fine'")
            try db.execute(sql: "UPDATE accounts SET charges_enabled = 2")
        }
        try raw.close()
        do {
            _ = try await PlatformCopy.run(sqlitePath: harness.configuration.dbPath, to: postgres.url, options: Self.partial, logger: logger)
            XCTFail("copied 2 into a BOOLEAN")
        } catch let error as PlatformCopyError {
            XCTAssertTrue(error.description.contains("accounts.charges_enabled"), error.description)
            XCTAssertTrue(error.description.contains("not a boolean"), error.description)
        }
        await postgres.close()
    }

    func testBadSourcesAndTargetsSayWhatIsWrongWithoutThePassword() async throws {
        let harness = try PlatformTestHarness()
        defer { harness.cleanUp() }
        _ = try harness.services()
        // Port 1: nothing listens, the connection is refused at once.
        let unreachable = try PostgresURL(parsing: "postgres://app:hunter2secret@127.0.0.1:1/market?sslmode=disable")
        do {
            _ = try await PlatformCopy.run(sqlitePath: harness.configuration.dbPath, to: unreachable, logger: logger)
            XCTFail("copied to a server that does not exist")
        } catch let error as PlatformCopyError {
            XCTAssertTrue(error.description.contains("postgres://app:***@127.0.0.1:1/market"), error.description)
            XCTAssertFalse(error.description.contains("hunter2secret"), error.description)
        }

        let missing = harness.directory.appendingPathComponent("nope.sqlite").path
        do {
            _ = try await PlatformCopy.run(sqlitePath: missing, to: unreachable, logger: logger)
            XCTFail("read a file that does not exist")
        } catch let error as PlatformCopyError {
            XCTAssertTrue(error.description.contains("no SQLite database at \(missing)"), error.description)
        }

        let foreign = harness.directory.appendingPathComponent("other.sqlite").path
        let queue = try DatabaseQueue(path: foreign)
        try await queue.write { db in try db.execute(sql: "CREATE TABLE notes (body TEXT)") }
        try queue.close()
        do {
            _ = try await PlatformCopy.run(sqlitePath: foreign, to: unreachable, logger: logger)
            XCTFail("copied a database that is not a platform's")
        } catch let error as PlatformCopyError {
            XCTAssertTrue(error.description.contains("not a TechFlunky platform"), error.description)
        }
    }

    func testTablesAreOrderedAfterTheTablesTheyReferTo() {
        let order = PlatformCopy.Target.topologicalOrder(["sessions", "orders", "listings", "accounts", "stripe_events"],
                                                         parents: ["sessions": ["accounts"], "listings": ["accounts"],
                                                                   "orders": ["accounts", "listings"]])
        XCTAssertEqual(order, ["accounts", "listings", "orders", "sessions", "stripe_events"])
    }
}
