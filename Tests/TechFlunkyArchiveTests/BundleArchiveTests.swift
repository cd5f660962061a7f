import Foundation
import XCTest
@testable import TechFlunkyArchive

/// The archive a seller uploads: round trips, and the hostile set the issue names, each refused with a clear
/// error and nothing written anywhere.
final class BundleArchiveTests: XCTestCase {
    private let limits = ArchiveLimits(maxFiles: 500, maxTotalBytes: 20 * 1_048_576, maxFileBytes: 10 * 1_048_576)
    private var sandbox: URL!

    override func setUpWithError() throws {
        sandbox = FileManager.default.temporaryDirectory.appendingPathComponent("tf-archive-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: sandbox, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: sandbox)
    }

    /// One raw tar entry of any type.
    private func entry(_ name: String, type: Character = "0", contents: [UInt8] = [], link: String = "") -> [UInt8] {
        Tar.header(name: Array(name.utf8), size: contents.count, type: type.asciiValue!, linkTarget: Array(link.utf8)) + Tar.padded(contents)
    }

    private func gzip(_ entries: [[UInt8]]) throws -> [UInt8] {
        try Gzip.compress(entries.flatMap { $0 } + [UInt8](repeating: 0, count: 1_024))
    }

    /// Extracts into `sandbox/out` expecting a refusal; checks that nothing at all was written in `sandbox`.
    private func assertRefused(_ archive: [UInt8], file: StaticString = #filePath, line: UInt = #line,
                               _ check: (ArchiveError) -> Bool) {
        let out = sandbox.appendingPathComponent("out", isDirectory: true)
        do {
            try BundleArchive.extract(gzip: archive, into: out, limits: limits)
            XCTFail("the archive was accepted", file: file, line: line)
        } catch {
            XCTAssertTrue(check(error), "unexpected refusal: \(error)", file: file, line: line)
            XCTAssertFalse(error.description.isEmpty, file: file, line: line)
        }
        let left = (try? FileManager.default.contentsOfDirectory(atPath: sandbox.path)) ?? []
        XCTAssertEqual(left, [], "nothing may be written", file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.deletingLastPathComponent().appendingPathComponent("escape.txt").path),
                       file: file, line: line)
    }

    func testAPackageRoundTripsWithLongNamesAndEmptyFiles() throws {
        let long = "assets/" + String(repeating: "deep/", count: 30) + "plan.md"
        XCTAssertGreaterThan(long.utf8.count, 100)
        let files = [
            ArchiveFile(path: "techflunky.json", contents: Array(#"{"id":"x"}"#.utf8)),
            ArchiveFile(path: "workers/api/index.js", contents: Array("export default {}".utf8)),
            ArchiveFile(path: "empty.txt", contents: []),
            ArchiveFile(path: long, contents: Array(repeating: 7, count: 70_000)),
        ]
        let archive = try BundleArchive.make(files)
        XCTAssertEqual(Array(archive.prefix(2)), [0x1F, 0x8B], "a gzip stream")
        XCTAssertEqual(try BundleArchive.files(inGzip: archive, limits: limits), files)

        let out = sandbox.appendingPathComponent("out", isDirectory: true)
        try BundleArchive.extract(gzip: archive, into: out, limits: limits)
        XCTAssertEqual(FileManager.default.contents(atPath: out.appendingPathComponent(long).path), Data(repeating: 7, count: 70_000))
        let mode = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("workers/api/index.js").path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        let dirMode = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("workers").path)[.posixPermissions] as? Int
        XCTAssertEqual(dirMode, 0o700)
    }

    func testArchivesMadeByTarWithDotSlashAndDirectoriesAreRead() throws {
        let archive = try gzip([entry("./", type: "5"), entry("./workers/", type: "5"), entry("./workers/a.js", contents: Array("a".utf8))])
        XCTAssertEqual(try BundleArchive.files(inGzip: archive, limits: limits), [ArchiveFile(path: "workers/a.js", contents: Array("a".utf8))])
    }

    func testAnArchiveMadeByTheSystemTarIsRead() throws {
        // What a seller gets from `tar -czf package.tar.gz -C dir .` (GNU tar: `./` names, directories, long names).
        let tarPath = ["/usr/bin/tar", "/bin/tar"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let tarTool = try XCTUnwrap(tarPath, "tar is part of every system the project builds on")
        let dir = sandbox.appendingPathComponent("src", isDirectory: true)
        let long = "assets/" + String(repeating: "long-name-", count: 14) + "plan.md"
        for (path, text) in [("techflunky.json", "{}"), ("workers/api/index.js", "export default {}"), (long, "plan")] {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        let output = sandbox.appendingPathComponent("package.tar.gz")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tarTool)
        process.arguments = ["-czf", output.path, "-C", dir.path, "."]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let files = try BundleArchive.files(inGzip: Array(try Data(contentsOf: output)), limits: limits)
        XCTAssertEqual(Set(files.map(\.path)), ["techflunky.json", "workers/api/index.js", long])
        XCTAssertEqual(files.first { $0.path == long }?.contents, Array("plan".utf8))
    }

    func testAPaxRecordShorterThanItsOwnLengthIsIgnoredNotACrash() throws {
        // Found by the archive fuzzer: `003 path=…` claims 3 bytes, fewer than its own digits and space.
        let record = Array("003 path=a/bbbbbb\n".utf8)
        let tar = entry("PaxHeader", type: "x", contents: record) + entry("ok.js", contents: [1]) + [UInt8](repeating: 0, count: 1_024)
        XCTAssertEqual(try BundleArchive.files(inTar: tar, limits: limits).map(\.path), ["ok.js"])
        XCTAssertEqual(Tar.pax(Array("3 x".utf8)), [:])
        XCTAssertEqual(Tar.pax(Array("99 path=x\n".utf8)), [:])
        XCTAssertEqual(Tar.pax(Array("11 path=ab\n".utf8)), ["path": "ab"])
    }

    func testGNULongNamesAreRead() throws {
        let long = String(repeating: "n", count: 150) + ".js"
        let archive = try gzip([entry("././@LongLink", type: "L", contents: Array(long.utf8) + [0]), entry(String(long.prefix(100)), contents: [1])])
        XCTAssertEqual(try BundleArchive.files(inGzip: archive, limits: limits).map(\.path), [long])
    }

    func testDotDotIsRefused() throws {
        assertRefused(try gzip([entry("ok.js", contents: [1]), entry("../escape.txt", contents: [1])])) {
            if case let .unsafePath(path, reason) = $0 { return path == "../escape.txt" && reason.contains("..") }
            return false
        }
        assertRefused(try gzip([entry("a/../../escape.txt", contents: [1])])) { if case .unsafePath = $0 { true } else { false } }
    }

    func testAbsolutePathIsRefused() throws {
        assertRefused(try gzip([entry("/tmp/escape.txt", contents: [1])])) {
            if case let .unsafePath(path, reason) = $0 { return path == "/tmp/escape.txt" && reason.contains("absolute") }
            return false
        }
    }

    func testSymbolicLinkOutOfTheTreeIsRefused() throws {
        // The classic: a link to a directory outside, then a file written through it.
        assertRefused(try gzip([entry("out", type: "2", link: "../../.."), entry("out/escape.txt", contents: [1])])) {
            if case let .link(path, target) = $0 { return path == "out" && target == "../../.." }
            return false
        }
        assertRefused(try gzip([entry("hard", type: "1", link: "/etc/passwd")])) { if case .link = $0 { true } else { false } }
    }

    func testDevicesAndFIFOsAreRefused() throws {
        assertRefused(try gzip([entry("tty", type: "3")])) { if case let .specialFile(_, kind) = $0 { kind == "character device" } else { false } }
        assertRefused(try gzip([entry("disk", type: "4")])) { if case .specialFile = $0 { true } else { false } }
        assertRefused(try gzip([entry("pipe", type: "6")])) { if case let .specialFile(_, kind) = $0 { kind == "FIFO" } else { false } }
    }

    func testTenThousandFilesAreRefused() throws {
        let many = (0..<10_000).map { entry("f/\($0).txt", contents: [1]) }
        assertRefused(try gzip(many)) {
            if case let .tooManyFiles(limit) = $0 { return limit == 500 && $0.description.contains("500 files") }
            return false
        }
    }

    func testADecompressionBombStopsAtTheLimit() throws {
        // 64 MiB of zeros compresses to about 64 KiB; inflating stops once the limit is passed.
        let bomb = try Gzip.compress(Tar.header(name: Array("zeros.bin".utf8), size: 64 << 20, type: UInt8(ascii: "0"))
                                     + [UInt8](repeating: 0, count: 64 << 20))
        XCTAssertLessThan(bomb.count, 200_000)
        assertRefused(bomb) {
            if case let .tooLarge(limit) = $0 { return limit == self.limits.maxTarBytes && $0.description.contains("unpacks to more than") }
            return false
        }
    }

    func testAFileOverItsOwnLimitAndTheTotalAreRefused() throws {
        let small = ArchiveLimits(maxFiles: 10, maxTotalBytes: 3_000, maxFileBytes: 2_000)
        XCTAssertThrowsError(try BundleArchive.files(inGzip: gzip([entry("big", contents: .init(repeating: 1, count: 2_001))]), limits: small)) {
            XCTAssertEqual($0 as? ArchiveError, .fileTooLarge(path: "big", limit: 2_000))
        }
        XCTAssertThrowsError(try BundleArchive.files(inGzip: gzip([entry("a", contents: .init(repeating: 1, count: 1_600)),
                                                                   entry("b", contents: .init(repeating: 1, count: 1_600))]), limits: small)) {
            XCTAssertEqual($0 as? ArchiveError, .tooLarge(limit: 3_000))
        }
    }

    func testDuplicatesAndAFileThatIsAlsoADirectoryAreRefused() throws {
        assertRefused(try gzip([entry("a.js", contents: [1]), entry("A.js", contents: [2])])) { $0 == .duplicate(path: "A.js") }
        assertRefused(try gzip([entry("a", contents: [1]), entry("a/b", contents: [2])])) { $0 == .duplicate(path: "a") }
    }

    func testControlCharactersInNamesAreRefusedAndShownSafely() throws {
        assertRefused(try gzip([entry("evil\u{1B}[31m.js", contents: [1])])) {
            guard case let .unsafePath(path, _) = $0 else { return false }
            return !path.contains("\u{1B}") && path.contains("\\u{1b}") && !$0.description.contains("\u{1B}")
        }
    }

    func testNotGzipTruncatedAndDamagedArchivesAreRefused() throws {
        assertRefused(Array(#"{"listing": {}}"#.utf8)) { $0 == .notGzip }
        let good = try BundleArchive.make([ArchiveFile(path: "a.js", contents: Array(repeating: 9, count: 5_000))])
        assertRefused(Array(good.prefix(good.count / 2))) { $0 == .truncated }
        var tar = entry("a.js", contents: [1])
        tar[0] = UInt8(ascii: "b")  // the checksum no longer matches
        assertRefused(try gzip([tar])) { if case .badHeader = $0 { true } else { false } }
        let cutTar = Array(entry("a.js", contents: Array(repeating: 1, count: 2_000)).prefix(1_024))
        assertRefused(try Gzip.compress(cutTar)) { $0 == .truncated }
    }

    func testWritingRefusesADirectoryThatExists() throws {
        let out = sandbox.appendingPathComponent("existing", isDirectory: true)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: false)
        XCTAssertThrowsError(try BundleArchive.write([ArchiveFile(path: "a", contents: [1])], into: out)) {
            guard case .write = $0 as? ArchiveError else { return XCTFail("\($0)") }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), [])
    }

    func testInflatingInChunksGivesTheSameBytes() throws {
        let plain = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let compressed = try Gzip.compress(plain)
        let inflater = try GzipInflater(limit: 1 << 20)
        var offset = 0
        while offset < compressed.count {
            let end = min(offset + 777, compressed.count)
            try inflater.append(compressed[offset..<end])
            offset = end
        }
        XCTAssertEqual(try inflater.finish(), plain)
    }
}
