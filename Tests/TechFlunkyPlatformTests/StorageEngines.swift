import Foundation
import GRDB
import Logging
import XCTest
@testable import TechFlunkyPlatform

/// The storage engines the store tests run on: one test list, two engines. A test that goes through
/// `forEachEngine` runs its body on SQLite and then on PostgreSQL, each on a fresh database.
enum StorageEngine: String, CaseIterable, Sendable {
    case sqlite, postgres
}

/// The PostgreSQL server of this test process: one throwaway cluster (`scripts/postgres-cluster`), started
/// the first time a test asks for it and stopped, with its directory removed, when the process exits. Each
/// test gets a database of its own on it.
///
/// Without the server binaries the PostgreSQL half of a test FAILS with the script's message (CI must not
/// pass by skipping it); `TECHFLUNKY_SKIP_POSTGRES=1` opts out on a machine without PostgreSQL (README).
enum PostgresTestServer {
    static let optOutVariable = "TECHFLUNKY_SKIP_POSTGRES"

    static var isOptedOut: Bool {
        let value = ProcessInfo.processInfo.environment[optOutVariable] ?? ""
        return !value.isEmpty && value != "0"
    }

    /// The cluster's URL, or why there is none. Started once (a `static let` is initialised once, thread-safely).
    static let cluster: Result<PostgresURL, PostgresTestServerError> = start()

    /// A fresh, empty database on the cluster, migrated by `PostgresDatabase.open`.
    static func freshDatabase(logger: Logger) async throws -> PostgresDatabase {
        let server = try cluster.get()
        let name = "tf_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await PostgresDatabase.createDatabase(named: name, on: server, logger: logger)
        return try await PostgresDatabase.open(server.with(database: name), logger: logger, maximumConnections: 4)
    }

    /// `scripts/postgres-cluster` in this checkout.
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/postgres-cluster").path

    nonisolated(unsafe) private static var clusterDirectory: String?  // written once, by `start`, before `atexit` reads it

    private static func start() -> Result<PostgresURL, PostgresTestServerError> {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-pg-\(UUID().uuidString.prefix(8))").path
        let output: String
        do {
            output = try run([script, "start", directory])
        } catch let error as PostgresTestServerError {
            return .failure(error)
        } catch {
            return .failure(PostgresTestServerError(message: "\(error)"))
        }
        clusterDirectory = directory
        atexit {
            guard let directory = PostgresTestServer.clusterDirectory else { return }
            _ = try? PostgresTestServer.run([PostgresTestServer.script, "stop", directory])
        }
        let line = output.split(separator: "\n").last.map(String.init) ?? ""
        do {
            return .success(try PostgresURL(parsing: line))
        } catch {
            return .failure(PostgresTestServerError(message: "scripts/postgres-cluster printed `\(line)`, not a URL: \(error)"))
        }
    }

    /// Runs a command (looked up on PATH), returning its standard output; throws with its standard error.
    /// posix_spawn and waitpid rather than Foundation's `Process`: its `waitUntilExit` on a concurrency thread
    /// never saw the child exit (the child stayed a zombie and the suite hung).
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("tf-pg-run-\(UUID().uuidString.prefix(8))").path
        let outPath = base + ".out", errPath = base + ".err"
        defer { unlink(outPath); unlink(errPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, &argv, environ)
        guard spawned == 0 else {
            throw PostgresTestServerError(message: "cannot run `\(arguments[0])`: \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard exitCode == 0 else {
            throw PostgresTestServerError(message: "`\(arguments.prefix(2).joined(separator: " "))` exited \(exitCode): "
                + stderr.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return stdout
    }
}

struct PostgresTestServerError: Error, CustomStringConvertible {
    var message: String
    var description: String {
        "the PostgreSQL test server did not start: \(message). Install the server with scripts/bootstrap, or set "
            + "\(PostgresTestServer.optOutVariable)=1 to leave the PostgreSQL engine out (README: Running the tests)"
    }
}

extension PlatformTestHarness {
    /// Services on `engine`: SQLite as `services()` makes them; on PostgreSQL through the engine choice
    /// (`PlatformStores.postgres`, every store) on a fresh PostgreSQL database, with this instance's change feed listening.
    func services(on engine: StorageEngine) async throws -> (services: PlatformServices, postgres: PostgresDatabase?) {
        switch engine {
        case .sqlite:
            return (try services(), nil)
        case .postgres:
            let postgres = try await PostgresTestServer.freshDatabase(logger: configuration.logger)
            do {
                return (try postgresServices(on: postgres), postgres)
            } catch {
                await postgres.close()
                throw error
            }
        }
    }

    /// An instance on an open PostgreSQL database (several of these on one database are several `serve` instances).
    /// The SQLite file is opened only for its catalog generation and notification bell objects; no record goes there.
    func postgresServices(on postgres: PostgresDatabase) throws -> PlatformServices {
        let sqlite = try PlatformDatabase(path: configuration.dbPath)
        let packages = PackageStore(dataDir: configuration.dataDir, key: configuration.secretsKey)
        let stores = try PlatformStores.postgres(postgres, packages: packages, catalogGeneration: sqlite.catalogGeneration,
                                                 notificationBell: sqlite.notificationBell)
        return PlatformServices(configuration: configuration, stores: stores)
    }
}

extension PlatformTestHarness {
    /// Another "instance" on the same PostgreSQL database when called again with it (its own pool), sharing
    /// `sqlite`'s catalog generation and notification bell objects.
    func services(on postgres: PostgresDatabase, sqlite database: PlatformDatabase) throws -> PlatformServices {
        let packages = PackageStore(dataDir: configuration.dataDir, key: configuration.secretsKey)
        let stores = try PlatformStores.postgres(postgres, packages: packages, catalogGeneration: database.catalogGeneration,
                                                 notificationBell: database.notificationBell)
        return PlatformServices(configuration: configuration, stores: stores)
    }
}

extension XCTestCase {
    /// Runs `body` once per engine, each on a fresh harness (set up by `configure`). Failures on PostgreSQL are
    /// followed by one naming the engine, so a report says which engine broke. With TECHFLUNKY_SKIP_POSTGRES
    /// set, PostgreSQL is left out.
    func forEachEngine(configure: (inout PlatformTestHarness) -> Void = { _ in },
                       _ body: (PlatformTestHarness, PlatformServices, StorageEngine) async throws -> Void,
                       file: StaticString = #filePath, line: UInt = #line) async throws {
        for engine in StorageEngine.allCases {
            if engine == .postgres && PostgresTestServer.isOptedOut { continue }
            var harness = try PlatformTestHarness()
            configure(&harness)
            defer { harness.cleanUp() }
            let failuresBefore = testRun?.totalFailureCount ?? 0
            let opened: (services: PlatformServices, postgres: PostgresDatabase?)
            do {
                opened = try await harness.services(on: engine)
            } catch {
                XCTFail("[\(engine.rawValue)] \(error)", file: file, line: line)
                continue
            }
            do {
                try await body(harness, opened.services, engine)
            } catch {
                await opened.postgres?.close()
                XCTFail("[\(engine.rawValue)] threw \(error)", file: file, line: line)
                continue
            }
            await opened.postgres?.close()
            if (testRun?.totalFailureCount ?? 0) > failuresBefore {
                XCTFail("the failures above are on the \(engine.rawValue) engine", file: file, line: line)
            }
        }
    }
}

extension XCTestCase {
    /// Runs `body` once per engine on a fresh, empty deployment store of it (the store tests that need no platform).
    func forEachDeploymentStore(_ body: (any DeploymentStore, StorageEngine) async throws -> Void,
                                file: StaticString = #filePath, line: UInt = #line) async throws {
        for engine in StorageEngine.allCases {
            if engine == .postgres && PostgresTestServer.isOptedOut { continue }
            let failuresBefore = testRun?.totalFailureCount ?? 0
            switch engine {
            case .sqlite:
                let url = FileManager.default.temporaryDirectory.appendingPathComponent("deploy-store-\(UUID().uuidString).sqlite")
                defer { try? FileManager.default.removeItem(at: url) }
                let queue = try DatabaseQueue(path: url.path)
                var migrator = DatabaseMigrator()
                DeploymentSchema.register(in: &migrator)
                try migrator.migrate(queue)
                try await body(GRDBDeploymentStore(database: queue), engine)
            case .postgres:
                let postgres: PostgresDatabase
                do {
                    postgres = try await PostgresTestServer.freshDatabase(logger: Logger(label: "test.deploy.postgres"))
                } catch {
                    XCTFail("[postgres] \(error)", file: file, line: line)
                    continue
                }
                do {
                    try await body(PostgresDeploymentStore(database: postgres), engine)
                } catch {
                    await postgres.close()
                    XCTFail("[postgres] threw \(error)", file: file, line: line)
                    continue
                }
                await postgres.close()
            }
            if (testRun?.totalFailureCount ?? 0) > failuresBefore {
                XCTFail("the failures above are on the \(engine.rawValue) engine", file: file, line: line)
            }
        }
    }
}

extension PostgresTestServer {
    /// The URL of a fresh, empty database on the cluster, for a platform started from its configuration
    /// (`PlatformServer.start` / `PlatformServices.open` open and migrate it themselves).
    static func freshDatabaseURL(logger: Logger) async throws -> PostgresURL {
        let server = try cluster.get()
        let name = "tf_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await PostgresDatabase.createDatabase(named: name, on: server, logger: logger)
        return server.with(database: name)
    }
}

extension PlatformTestHarness {
    /// Points the configuration at `engine`, as `serve --database` does: SQLite's file as made, or the URL of a
    /// fresh PostgreSQL database. A platform started from the configuration afterwards runs on that engine.
    mutating func use(_ engine: StorageEngine) async throws {
        switch engine {
        case .sqlite: configuration.databaseURL = nil
        case .postgres: configuration.databaseURL = try await PostgresTestServer.freshDatabaseURL(logger: configuration.logger)
        }
    }
}

extension XCTestCase {
    /// Runs `body` once per engine for the tests that start the platform themselves (`harness.use(engine)` before
    /// `PlatformServer.start`): one test list, two engines. Failures on an engine are followed by one naming it.
    func forEachServerEngine(_ body: (StorageEngine) async throws -> Void,
                             file: StaticString = #filePath, line: UInt = #line) async throws {
        for engine in StorageEngine.allCases {
            if engine == .postgres && PostgresTestServer.isOptedOut { continue }
            let failuresBefore = testRun?.totalFailureCount ?? 0
            do {
                try await body(engine)
            } catch {
                XCTFail("[\(engine.rawValue)] threw \(error)", file: file, line: line)
                continue
            }
            if (testRun?.totalFailureCount ?? 0) > failuresBefore {
                XCTFail("the failures above are on the \(engine.rawValue) engine", file: file, line: line)
            }
        }
    }
}
