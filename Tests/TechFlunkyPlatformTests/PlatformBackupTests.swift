import Foundation
import GRDB
import TechFlunkyCore
import XCTest
@testable import TechFlunkyPlatform

/// `admin backup` / `admin restore` and the schedule: consistent copies under write load, verified restores,
/// damaged backups refused with nothing written.
final class PlatformBackupTests: XCTestCase {
    /// Orders committed by a writer that keeps going while the backup runs.
    final class Committed: @unchecked Sendable {
        // @unchecked: `ids` and `stop` are only touched under `lock`.
        private let lock = NSLock()
        private var ids: [String] = []
        private var stop = false
        func add(_ id: String) { lock.withLock { ids.append(id) } }
        var all: [String] { lock.withLock { ids } }
        var stopped: Bool { lock.withLock { stop } }
        func halt() { lock.withLock { stop = true } }
    }

    struct Fixture {
        let harness: PlatformTestHarness
        let services: PlatformServices
        let listing: ListingForSale
        let buyer: Account
    }

    func makeFixture() async throws -> Fixture {
        let harness = try PlatformTestHarness()
        let services = try harness.services()
        let seller = try await CatalogFixtures.seller(services)
        let buyer = try await CatalogFixtures.seller(services, email: "buyer@example.com")
        try await CatalogFixtures.list(services, slug: "shop", seller: seller, CatalogFixtures.details(title: "Shop", price: 4_200))
        let bundle = harness.directory.appendingPathComponent("upload")
        try CatalogFixtures.writeBundle(CatalogFixtures.manifest(slug: "shop"), to: bundle)
        try services.packages.install(slug: "shop", from: bundle)
        let listing = try await XCTUnwrapAsync(try await services.catalog.listingForSale(slug: "shop"))
        return Fixture(harness: harness, services: services, listing: listing, buyer: buyer)
    }

    func testBackupUnderWriteLoadRestoresEveryCommittedOrder() async throws {
        let fixture = try await makeFixture()
        defer { fixture.harness.cleanUp() }
        let services = fixture.services
        let committed = Committed()
        let writer = Task {
            var n = 0
            while !committed.stopped {
                n += 1
                let order = StoredOrder(id: "ord_load\(n)", listing: fixture.listing, buyerId: fixture.buyer.id,
                                        split: try FeePolicy.standard.split(fixture.listing.askingPrice), now: services.clock.now())
                try await services.orders.insert(order)
                committed.add(order.id)
            }
        }
        func waitFor(_ count: Int) async throws {
            for _ in 0..<2_000 where committed.all.count < count { try await Task.sleep(for: .milliseconds(5)) }
            XCTAssertGreaterThanOrEqual(committed.all.count, count, "the writer is running")
        }
        let secretsKey = SecretKey.generate()
        try SecretStore(dataDir: services.configuration.dataDir).set("STRIPE_SECRET_KEY", "sk_test_in_backup", key: secretsKey)
        try await waitFor(50)
        let before = committed.all
        let backup = fixture.harness.directory.appendingPathComponent("backups/one.tar")
        let manifest = try await onThread {
            try PlatformBackup.createArchive(databasePath: services.configuration.dbPath, dataDir: services.configuration.dataDir, to: backup)
        }
        // The server's writes go on after (and during) the copy.
        try await waitFor(committed.all.count + 20)
        committed.halt()
        try await writer.value
        let after = committed.all

        XCTAssertEqual(try permissions(backup), 0o600, "one file, for its owner only")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: backup.deletingLastPathComponent().path), ["one.tar"],
                       "nothing but the archive is left beside it")
        XCTAssertTrue(manifest.files.contains { $0.path == "packages/shop/techflunky.json" }, "\(manifest.files.map(\.path))")
        let inBackup = try XCTUnwrap(manifest.tableRows["orders"])
        XCTAssertGreaterThanOrEqual(inBackup, before.count, "every order committed before the backup is in it")
        XCTAssertLessThan(inBackup, after.count, "orders committed after it are not")

        let restored = fixture.harness.directory.appendingPathComponent("restored")
        try PlatformBackup.restore(from: backup, into: restored)
        XCTAssertEqual(try permissions(restored), 0o700)
        for file in manifest.files { XCTAssertEqual(try permissions(restored.appendingPathComponent(file.path)), 0o600, file.path) }
        var configuration = fixture.harness.configuration
        configuration.dbPath = restored.appendingPathComponent("platform.sqlite").path
        configuration.dataDir = restored.path
        let platform = try await PlatformServer.start(configuration)
        let reopened = platform.services
        for id in before {
            let order = try await reopened.orders.order(id: id)
            XCTAssertEqual(order?.amount, .usd(4_200), "order \(id) was committed before the backup")
        }
        let count = try await reopened.database.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM orders") }
        XCTAssertEqual(count, inBackup)
        let restoredIds = try await reopened.database.pool.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM orders").sorted { Int($0.dropFirst(8))! < Int($1.dropFirst(8))! }
        }
        XCTAssertEqual(Array(after.prefix(inBackup)), restoredIds, "the copy is the database as of one commit: a prefix of the writes, no gaps")
        XCTAssertEqual(try reopened.packages.manifest(slug: "shop").slug, "shop", "the bundle came back")
        XCTAssertEqual(try SecretStore(dataDir: restored.path).open(key: secretsKey), ["STRIPE_SECRET_KEY": "sk_test_in_backup"],
                       "the sealed secrets came back")
        let listing = try await reopened.catalog.listing(slug: "shop")
        XCTAssertNotNil(listing, "the listing came back")
        await platform.stop()
    }

    func testADamagedBackupIsRefusedAndNothingIsWritten() async throws {
        let fixture = try await makeFixture()
        defer { fixture.harness.cleanUp() }
        let services = fixture.services
        let backups = fixture.harness.directory.appendingPathComponent("backups")
        let good = backups.appendingPathComponent("good")
        try PlatformBackup.create(databasePath: services.configuration.dbPath, dataDir: services.configuration.dataDir, to: good)
        XCTAssertNoThrow(try PlatformBackup.verify(good))
        let target = fixture.harness.directory.appendingPathComponent("target")

        func damaged(_ name: String, _ damage: (URL) throws -> Void) throws -> URL {
            let copy = backups.appendingPathComponent(name)
            try FileManager.default.copyItem(at: good, to: copy)
            try damage(copy)
            return copy
        }
        func assertRefused(_ backup: URL, _ expected: (BackupError) -> Bool, file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertThrowsError(try PlatformBackup.restore(from: backup, into: target), file: file, line: line) { error in
                let failure = error as? BackupError
                XCTAssertTrue(failure.map(expected) ?? false, "\(error)", file: file, line: line)
                XCTAssertTrue("\(error)".contains("nothing was changed") || "\(error)".contains("not a TechFlunky backup"), "\(error)", file: file, line: line)
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: target.path), "nothing restored", file: file, line: line)
            let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: fixture.harness.directory.path))?.filter { $0.contains("restore") } ?? []
            XCTAssertEqual(leftovers, [], "no staging left behind", file: file, line: line)
        }

        // Bytes flipped in the middle of the database.
        let flipped = try damaged("flipped") { dir in
            let url = dir.appendingPathComponent("platform.sqlite")
            var bytes = try Data(contentsOf: url)
            for i in stride(from: bytes.count / 2, to: bytes.count / 2 + 64, by: 1) { bytes[i] ^= 0xA5 }
            try bytes.write(to: url)
        }
        assertRefused(flipped) { if case .checksumMismatch("platform.sqlite") = $0 { true } else { false } }

        // A damaged bundle file.
        let bundle = try damaged("bundle") { dir in
            try Data("tampered".utf8).write(to: dir.appendingPathComponent("packages/shop/techflunky.json"))
        }
        assertRefused(bundle) { if case .checksumMismatch("packages/shop/techflunky.json") = $0 { true } else { false } }

        // A truncated database whose manifest was rewritten to match it: SQLite's own checks refuse it.
        let truncated = try damaged("truncated") { dir in
            let url = dir.appendingPathComponent("platform.sqlite")
            let bytes = try Data(contentsOf: url)
            try bytes.prefix(bytes.count / 3).write(to: url)
            try rewriteManifest(dir) { manifest in
                let index = manifest.files.firstIndex { $0.path == "platform.sqlite" }!
                manifest.files[index].sha256 = try PlatformBackup.sha256(of: url)
            }
        }
        assertRefused(truncated) { error in
            switch error {
            case .notADatabase, .integrityCheckFailed: true
            default: false
            }
        }

        // Row counts that do not match what was recorded.
        let counts = try damaged("counts") { dir in try rewriteManifest(dir) { $0.tableRows["orders", default: 0] += 1 } }
        assertRefused(counts) { if case .rowCountMismatch("orders", _, _) = $0 { true } else { false } }

        // No manifest at all (an interrupted backup).
        let interrupted = try damaged("interrupted") { dir in try FileManager.default.removeItem(at: dir.appendingPathComponent(BackupManifest.fileName)) }
        assertRefused(interrupted) { if case .manifestUnreadable = $0 { true } else { false } }

        // A directory that holds data is never replaced, even by a good backup.
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        try Data("precious".utf8).write(to: target.appendingPathComponent("platform.sqlite"))
        XCTAssertThrowsError(try PlatformBackup.restore(from: good, into: target)) { error in
            XCTAssertEqual(error as? BackupError, .destinationNotEmpty(target.path))
        }
        XCTAssertEqual(try Data(contentsOf: target.appendingPathComponent("platform.sqlite")), Data("precious".utf8))
        // And backing up into a directory that holds something is refused too.
        XCTAssertThrowsError(try PlatformBackup.create(databasePath: services.configuration.dbPath, dataDir: services.configuration.dataDir, to: target))
    }

    func testTheScheduleKeepsTheNewestBackups() async throws {
        let fixture = try await makeFixture()
        defer { fixture.harness.cleanUp() }
        let configuration = fixture.services.configuration
        let schedule = BackupSchedule(directory: fixture.harness.directory.appendingPathComponent("scheduled"), interval: 3600, keep: 2)
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        var made: [URL] = []
        for hour in 0..<4 {
            made.append(try schedule.runOnce(databasePath: configuration.dbPath, dataDir: configuration.dataDir, now: start.addingTimeInterval(Double(hour) * 3600)))
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: schedule.directory.path).sorted()
        XCTAssertEqual(left, made.suffix(2).map(\.lastPathComponent))
        XCTAssertEqual(left.first, "techflunky-20260921T161320Z.tar")
        for name in left { XCTAssertNoThrow(try PlatformBackup.verify(schedule.directory.appendingPathComponent(name))) }
    }

    /// One file that `tar` reads too; every kind of damage to it is refused before anything is written.
    func testABackupArchiveRoundTripsAndADamagedOneIsRefusedWithNothingWritten() async throws {
        let fixture = try await makeFixture()
        defer { fixture.harness.cleanUp() }
        let services = fixture.services
        // A path longer than a tar header holds (a pax record carries it).
        let longPath = "assets/" + String(repeating: "market-research-", count: 8) + "2026.pdf"
        let bundle = services.packages.bundleDirectory(slug: "shop")
        try FileManager.default.createDirectory(at: bundle.appendingPathComponent("assets"), withIntermediateDirectories: true)
        try Data("quarterly figures".utf8).write(to: bundle.appendingPathComponent(longPath))
        let backups = fixture.harness.directory.appendingPathComponent("backups")
        let archive = backups.appendingPathComponent("good.tar")
        let manifest = try PlatformBackup.createArchive(databasePath: services.configuration.dbPath, dataDir: services.configuration.dataDir, to: archive)
        XCTAssertTrue(manifest.files.contains { $0.path == "packages/shop/\(longPath)" })
        XCTAssertThrowsError(try PlatformBackup.createArchive(databasePath: services.configuration.dbPath, dataDir: services.configuration.dataDir, to: archive),
                             "an existing backup is never overwritten")
        let verified = try PlatformBackup.verify(archive)
        XCTAssertEqual(verified.files, manifest.files)
        XCTAssertEqual(verified.tableRows, manifest.tableRows)

        // The system's tar reads it, manifest first.
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/tar") {
            let tar = Process()
            tar.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
            tar.arguments = ["-tf", archive.path]
            let pipe = Pipe()
            tar.standardOutput = pipe
            try tar.run()
            let listing = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            tar.waitUntilExit()
            XCTAssertEqual(tar.terminationStatus, 0)
            let files = listing.split(separator: "\n").map(String.init).filter { !$0.hasSuffix("/") }
            XCTAssertEqual(files, [BackupManifest.fileName] + manifest.files.map(\.path))
        }

        let restored = fixture.harness.directory.appendingPathComponent("restored")
        try PlatformBackup.restore(from: archive, into: restored)
        XCTAssertEqual(try Data(contentsOf: restored.appendingPathComponent("packages/shop/\(longPath)")), Data("quarterly figures".utf8))
        XCTAssertEqual(try PlatformBackup.inspect(restored.appendingPathComponent("platform.sqlite")), manifest.tableRows)
        XCTAssertFalse(FileManager.default.fileExists(atPath: restored.appendingPathComponent(BackupManifest.fileName).path))

        let bytes = try Data(contentsOf: archive)
        let target = fixture.harness.directory.appendingPathComponent("target")
        func assertRefused(_ name: String, _ damaged: Data, _ expected: (BackupError) -> Bool, line: UInt = #line) throws {
            let url = backups.appendingPathComponent(name)
            try damaged.write(to: url)
            XCTAssertThrowsError(try PlatformBackup.verify(url), line: line)
            XCTAssertThrowsError(try PlatformBackup.restore(from: url, into: target), line: line) { error in
                XCTAssertTrue((error as? BackupError).map(expected) ?? false, "\(error)", line: line)
                XCTAssertTrue("\(error)".contains("nothing was changed"), "\(error)", line: line)
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: target.path), "nothing restored", line: line)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.harness.directory.path).filter { $0.hasPrefix(".techflunky-restore") }
            XCTAssertEqual(leftovers, [], "nothing unpacked is left behind", line: line)
        }
        try assertRefused("truncated.tar", bytes.prefix(bytes.count / 2)) { if case .archiveDamaged = $0 { true } else { false } }
        try assertRefused("no-end.tar", bytes.prefix(bytes.count - 1024)) { if case .archiveDamaged = $0 { true } else { false } }
        var header = bytes
        header[5] ^= 0x01  // in the first entry's name
        try assertRefused("header.tar", header) { if case .archiveDamaged = $0 { true } else { false } }
        // Flipped bytes inside the database's content: the archive is whole, the manifest's checksum is not met.
        let databaseHeader = try XCTUnwrap(bytes.range(of: Data("platform.sqlite\0".utf8))).lowerBound
        var content = bytes
        for i in (databaseHeader + 512 + 4096)..<(databaseHeader + 512 + 4096 + 64) { content[i] ^= 0xA5 }
        try assertRefused("content.tar", content) { if case .checksumMismatch("platform.sqlite") = $0 { true } else { false } }
        try assertRefused("not-a-backup.tar", Data("just some text, not an archive".utf8)) { if case .archiveDamaged = $0 { true } else { false } }
    }

    private func rewriteManifest(_ dir: URL, _ change: (inout BackupManifest) throws -> Void) throws {
        let url = dir.appendingPathComponent(BackupManifest.fileName)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var manifest = try decoder.decode(BackupManifest.self, from: Data(contentsOf: url))
        try change(&manifest)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(manifest).write(to: url)
    }

    private func permissions(_ url: URL) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    /// Blocking work off the concurrency pool, as the schedule runs it.
    private func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }
}

func XCTUnwrapAsync<T>(_ value: @autoclosure () async throws -> T?, file: StaticString = #filePath, line: UInt = #line) async throws -> T {
    let unwrapped = try await value()
    return try XCTUnwrap(unwrapped, file: file, line: line)
}
