import Foundation
import Logging
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

/// The PostgreSQL engine's own parts: the URL `serve --database` takes, the connection check, the migrations.
final class PostgresEngineTests: XCTestCase {
    let logger: Logger = {
        var logger = Logger(label: "test.postgres")
        logger.logLevel = .warning
        return logger
    }()

    func testURLsParseAsLibpqReadsThem() throws {
        let full = try PostgresURL(parsing: "postgres://app:s%40cret@db.example.com:6543/market?sslmode=verify-full")
        XCTAssertEqual(full.endpoint, .tcp(host: "db.example.com", port: 6543))
        XCTAssertEqual(full.username, "app")
        XCTAssertEqual(full.password, "s@cret")
        XCTAssertEqual(full.database, "market")
        XCTAssertEqual(full.tlsMode, .verifyFull)

        let short = try PostgresURL(parsing: "postgresql://app@localhost")
        XCTAssertEqual(short.endpoint, .tcp(host: "localhost", port: 5432))
        XCTAssertEqual(short.database, "app", "no database: the user's name, as libpq")
        XCTAssertEqual(short.tlsMode, .prefer)

        let socket = try PostgresURL(parsing: "postgres://app@/market?host=/run/postgresql&port=5433")
        XCTAssertEqual(socket.endpoint, .unixSocket(path: "/run/postgresql/.s.PGSQL.5433"))

        let ipv6 = try PostgresURL(parsing: "postgres://app@[::1]:5432/market")
        XCTAssertEqual(ipv6.endpoint, .tcp(host: "::1", port: 5432))
    }

    func testBadURLsSayWhatIsWrong() {
        func problem(_ text: String) -> String {
            do { _ = try PostgresURL(parsing: text); return "accepted" } catch { return error.message }
        }
        XCTAssertTrue(problem("mysql://app@host/db").contains("postgres://"))
        XCTAssertTrue(problem("postgres://host/db").contains("no user"))
        XCTAssertTrue(problem("postgres://app@host:99999/db").contains("port"))
        XCTAssertTrue(problem("postgres://app@host/db?sslmode=sometimes").contains("verify-full"))
        XCTAssertTrue(problem("postgres://app@host/db?applicationname=x").contains("unknown parameter `applicationname`"))
        XCTAssertTrue(problem("postgres://app@/db").contains("no host"))
    }

    func testThePasswordNeverAppearsInDescriptions() throws {
        let url = try PostgresURL(parsing: "postgres://app:hunter2secret@127.0.0.1:1/market")
        XCTAssertEqual(url.description, "postgres://app:***@127.0.0.1:1/market")
        let error = PostgresEngineError.connect(url: url, PostgresURLError("refused"))
        XCTAssertFalse(error.description.contains("hunter2secret"))
        XCTAssertTrue(error.description.contains("127.0.0.1:1"))
    }

    func testAnUnreachableServerFailsAtOnceNamingTheURL() async throws {
        // Port 1 on loopback: nothing listens, so the connection is refused (no waiting for a timeout).
        let url = try PostgresURL(parsing: "postgres://app:pw@127.0.0.1:1/market?sslmode=disable")
        do {
            let database = try await PostgresDatabase.open(url, logger: logger)
            await database.close()
            XCTFail("opened a database on a port where nothing listens")
        } catch let error as PostgresEngineError {
            guard case .connect = error else { return XCTFail("expected a connection error, got \(error)") }
            XCTAssertTrue(error.description.contains("postgres://app:***@127.0.0.1:1/market"), error.description)
        }
    }

    func testMigrationsApplyOnceAndAreRecordedByName() async throws {
        try XCTSkipIf(PostgresTestServer.isOptedOut, "\(PostgresTestServer.optOutVariable) is set")
        let database = try await PostgresTestServer.freshDatabase(logger: logger)
        let applied = try await database.appliedMigrations()
        XCTAssertEqual(applied, PostgresSchema.migrations.map(\.name))
        let again = try await PostgresSchema.migrate(url: database.url, logger: logger)
        XCTAssertEqual(again, [], "a second start finds nothing to do")
        await database.close()
    }

    func testInstancesMigratingAtOnceApplyEachMigrationOnce() async throws {
        try XCTSkipIf(PostgresTestServer.isOptedOut, "\(PostgresTestServer.optOutVariable) is set")
        let server = try PostgresTestServer.cluster.get()
        let name = "tf_race_" + UUID().uuidString.prefix(8).lowercased()
        try await PostgresDatabase.createDatabase(named: name, on: server, logger: logger)
        let url = server.with(database: name)
        let logger = logger
        let results = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<3 { group.addTask { try await PostgresSchema.migrate(url: url, logger: logger) } }
            return try await group.reduce(into: [[String]]()) { $0.append($1) }
        }
        XCTAssertEqual(results.flatMap { $0 }.sorted(), PostgresSchema.migrations.map(\.name).sorted(),
                       "three instances starting together: each migration applied by exactly one")
    }

    /// A platform that stops moments after it started (a failed start, a test with nothing to store) closes its
    /// database at any point of the pool's, the change feed's and the deployment relay's start: closing never
    /// waits forever. (It did: the suite hung in CI on a test that opened and closed the database within
    /// milliseconds, cancelling the change feed's LISTEN session before it listened.)
    func testClosingAtAnyMomentAfterOpeningFinishes() async throws {
        try XCTSkipIf(PostgresTestServer.isOptedOut, "\(PostgresTestServer.optOutVariable) is set")
        let first = try await PostgresTestServer.freshDatabase(logger: logger)
        let url = first.url
        await first.close()
        let logger = logger
        for round in 0..<60 {
            let database = try await PostgresDatabase.open(url, logger: logger, maximumConnections: 2)
            database.startChangeFeed(catalogGeneration: CatalogGeneration(), notificationBell: NotificationBell())
            let hub = DeploymentEventHub()
            let relay = PostgresDeploymentEventRelay(database: database, store: PostgresDeploymentStore(database: database), hub: hub,
                                                     ledger: DeploymentEventLedger(hub: hub), clock: SystemClock(), logger: logger)
            let relaying = Task { await relay.run() }
            if round % 3 == 1 { _ = try await database.appliedMigrations() }
            if round % 3 == 2 { try await Task.sleep(for: .microseconds(round * 150)) }
            do {
                try await withDeadline(10) {
                    relaying.cancel()
                    await relaying.value
                    await database.close()
                }
            } catch {
                return XCTFail("round \(round): the relay and the database had not stopped after 10 s (\(error))")
            }
        }
    }

    func testAFailingMigrationLeavesNothingBehindAndIsNamed() async throws {
        try XCTSkipIf(PostgresTestServer.isOptedOut, "\(PostgresTestServer.optOutVariable) is set")
        let database = try await PostgresTestServer.freshDatabase(logger: logger)
        let broken = PostgresSchema.Migration(name: "pg_test_broken", statements: [
            "CREATE TABLE half_done (id TEXT PRIMARY KEY)",
            "CREATE TABLE broken (id NOTATYPE)",
        ])
        do {
            try await PostgresSchema.migrate(url: database.url, logger: logger, migrations: PostgresSchema.migrations + [broken])
            XCTFail("a migration with an unknown type was applied")
        } catch let error as PostgresEngineError {
            XCTAssertTrue(error.description.contains("pg_test_broken"), error.description)
            XCTAssertTrue(error.description.contains("notatype"), error.description)
        }
        let applied = try await database.appliedMigrations()
        XCTAssertFalse(applied.contains("pg_test_broken"))
        // The first statement of the failed migration was rolled back with it: the table can be made again.
        let fixed = PostgresSchema.Migration(name: "pg_test_fixed", statements: ["CREATE TABLE half_done (id TEXT PRIMARY KEY)"])
        let now = try await PostgresSchema.migrate(url: database.url, logger: logger, migrations: PostgresSchema.migrations + [fixed])
        XCTAssertEqual(now, ["pg_test_fixed"])
        await database.close()
    }
}
