import Foundation
import XCTest
@testable import TechFlunkyClient

/// `techflunky assets download` writes what the platform sends under a plain name inside the directory, 0600,
/// never over a file (or through a link) that is already there.
final class AssetFileWriterTests: XCTestCase {
    func testNamesAreSanitisedToAPlainFileName() {
        XCTAssertEqual(AssetFileWriter.safeName("business-plan.md", fallback: "businessPlan"), "business-plan.md")
        XCTAssertEqual(AssetFileWriter.safeName("../../etc/passwd", fallback: "businessPlan"), "passwd")
        XCTAssertEqual(AssetFileWriter.safeName("..", fallback: "businessPlan"), "businessPlan")
        XCTAssertEqual(AssetFileWriter.safeName(".bashrc", fallback: "x"), "bashrc")
        XCTAssertEqual(AssetFileWriter.safeName("plan\u{1b}[31m red\u{202e}.md", fallback: "x"), "plan31mred.md")
        XCTAssertEqual(AssetFileWriter.safeName("", fallback: "../"), "asset")
        XCTAssertEqual(AssetFileWriter.safeName(String(repeating: "a", count: 500), fallback: "x").count, 120)
    }

    func testWritesNewFilesOnlyAndPrivately() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("assets-\(UUID().uuidString)/inner")
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        try AssetFileWriter.makeDirectory(directory)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: directory.path)[.posixPermissions] as? Int, 0o700)
        let target = directory.appendingPathComponent("plan.md")
        try AssetFileWriter.write(Data("# Plan\n".utf8), to: target, in: directory, replacing: false)
        XCTAssertEqual(try String(contentsOf: target, encoding: .utf8), "# Plan\n")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: target.path)[.posixPermissions] as? Int, 0o600)
        XCTAssertThrowsError(try AssetFileWriter.write(Data("again".utf8), to: target, in: directory, replacing: false)) {
            XCTAssertTrue("\($0)".contains("already exists"), "\($0)")
        }
        // A link planted where the file goes is not followed, even with --force it is replaced, not written through.
        let outside = directory.deletingLastPathComponent().appendingPathComponent("outside.txt")
        try Data("keep".utf8).write(to: outside)
        let link = directory.appendingPathComponent("linked.md")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: outside)
        XCTAssertThrowsError(try AssetFileWriter.write(Data("evil".utf8), to: link, in: directory, replacing: false))
        try AssetFileWriter.write(Data("new".utf8), to: link, in: directory, replacing: true)
        XCTAssertEqual(try String(contentsOf: outside, encoding: .utf8), "keep")
        XCTAssertThrowsError(try AssetFileWriter.write(Data("x".utf8), to: outside, in: directory, replacing: false), "outside the directory")
    }

    func testContentDispositionFileName() {
        XCTAssertEqual(PlatformClient.fileName(fromContentDisposition: #"attachment; filename="plan.md""#), "plan.md")
        XCTAssertEqual(PlatformClient.fileName(fromContentDisposition: "attachment; filename=plan.md; size=3"), "plan.md")
        XCTAssertNil(PlatformClient.fileName(fromContentDisposition: "inline"))
    }
}
