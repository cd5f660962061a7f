import Foundation
import GRDB
import TechFlunkySandbox
import XCTest
@testable import TechFlunkyPlatform

/// Data files hold emails, password and session hashes and orders: 0600 in 0700 directories, even when the process
/// that writes them runs with a permissive umask (issue 21: `serve --data-dir` made a 0755 folder and a 0644 database).
final class DataFilePermissionsTests: XCTestCase {
    private var root: URL!
    private var savedMask: mode_t = 0

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("tf-perms-\(UUID().uuidString)")
        savedMask = umask(0o022)
    }

    override func tearDown() {
        umask(savedMask)
        try? FileManager.default.removeItem(at: root)
    }

    private func mode(_ url: URL) throws -> Int {
        try XCTUnwrap((FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue)
    }

    func testThePlatformDatabaseAndItsCompanionsArePrivate() throws {
        let dir = root.appendingPathComponent("data/nested")
        let path = dir.appendingPathComponent("platform.sqlite")
        let database = try PlatformDatabase(path: path.path)
        try database.pool.write { db in try db.execute(sql: "CREATE TABLE IF NOT EXISTS probe (x)") }
        XCTAssertEqual(try mode(root.appendingPathComponent("data")), 0o700)
        XCTAssertEqual(try mode(dir), 0o700)
        for file in ["platform.sqlite", "platform.sqlite-wal", "platform.sqlite-shm"] {
            let url = dir.appendingPathComponent(file)
            XCTAssertTrue(FileManager.default.fileExists(atPath: url.path), file)
            XCTAssertEqual(try mode(url), 0o600, file)
        }
    }

    func testAnExistingWorldReadableDatabaseIsMadePrivate() throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let path = root.appendingPathComponent("old.sqlite")
        XCTAssertTrue(FileManager.default.createFile(atPath: path.path, contents: nil, attributes: [.posixPermissions: 0o644]))
        _ = try PlatformDatabase(path: path.path)
        XCTAssertEqual(try mode(path), 0o600)
    }

    func testTheSandboxDatabaseIsPrivate() throws {
        let dir = root.appendingPathComponent("sandbox")
        let database = try SandboxDatabase(directory: dir)
        try database.writer.write { db in try db.execute(sql: "CREATE TABLE IF NOT EXISTS probe (x)") }
        XCTAssertEqual(try mode(dir), 0o700)
        for file in ["sandbox.sqlite", "sandbox.sqlite-wal", "sandbox.sqlite-shm"] {
            let url = dir.appendingPathComponent(file)
            XCTAssertTrue(FileManager.default.fileExists(atPath: url.path), file)
            XCTAssertEqual(try mode(url), 0o600, file)
        }
    }
}
