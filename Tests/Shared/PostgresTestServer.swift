import Foundation
import Logging
import XCTest
@testable import TechFlunkyPlatform

// Shared by the test targets that start the platform on both engines (TechFlunkyPlatformTests and
// TechFlunkyClientTests): the file lives in Tests/Shared and each target holds a symbolic link to it.

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
