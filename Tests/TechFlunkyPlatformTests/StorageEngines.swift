import Foundation
import GRDB
import Logging
import XCTest
@testable import TechFlunkyPlatform

// `StorageEngine`, `PostgresTestServer` and `forEachServerEngine` are in Tests/Shared/PostgresTestServer.swift.

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
