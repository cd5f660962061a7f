import Foundation
@testable import TechFlunkyTUI
import TechFlunkyText
import XCTest

/// The hostile corpus (`Tests/Fixtures/hostile-text.json`) drawn on a canvas, as every pane draws API text. The
/// scripting commands print the same corpus in `CommandOutputTests.testHostileCorpusIsPrintedAsTheSanitiserMakesIt`.
final class HostileTextCanvasTests: XCTestCase {
    private struct HostileText: Decodable {
        var name: String
        var text: String
        var line: String
        var drawn: String
    }

    private func corpus() throws -> [HostileText] {
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        return try JSONDecoder().decode([HostileText].self, from: Data(contentsOf: tests.appendingPathComponent("Fixtures/hostile-text.json")))
    }

    func testEveryEntryIsDrawnWithoutAnythingATerminalWouldActOn() throws {
        let entries = try corpus()
        XCTAssertGreaterThan(entries.count, 20)
        for entry in entries {
            var canvas = Canvas(width: 60, height: 1)
            let used = canvas.write(entry.text, x: 0, y: 0)
            XCTAssertEqual(canvas.rowText(0).replacingOccurrences(of: " +$", with: "", options: .regularExpression),
                           entry.drawn.replacingOccurrences(of: " +$", with: "", options: .regularExpression), entry.name)
            XCTAssertEqual(used, DisplayWidth.of(entry.line), "\(entry.name): the cells used are the sanitised text's width")
            for x in 0..<canvas.width {
                let unsafe = canvas[x, 0].grapheme.unicodeScalars.filter { TextSanitizer.isUnsafe($0.value) }
                XCTAssertEqual(unsafe.map(\.value), [], "\(entry.name) at column \(x)")
            }
        }
    }
}
