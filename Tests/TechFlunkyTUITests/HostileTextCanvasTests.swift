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

    /// The whole screen of the browse pane with every corpus entry as a listing title, as `AppRenderer` draws it.
    func testTheBrowsePaneDrawsEveryEntryAsItsDrawnText() async throws {
        let entries = try corpus()
        let listings = entries.enumerated().map { index, entry in Fixtures.summary(index + 1, title: entry.text) }
        var driver = UIDriver(service: InMemoryMarketplace(listings: listings), width: 200, height: 40)
        await driver.start()
        let canvas = AppRenderer.render(driver.state)
        for cell in canvas.cells {
            XCTAssertEqual(cell.grapheme.unicodeScalars.filter { TextSanitizer.isUnsafe($0.value) }.map(\.value), [], "\(cell)")
        }
        let screen = canvas.text
        for entry in entries {
            XCTAssertTrue(screen.contains(entry.drawn), "\(entry.name): \(entry.drawn.debugDescription) in\n\(screen)")
        }
        for payload in ["pwned", "evil.example", "cm0gLXJm", "#0;2;0", "[31m"] {
            XCTAssertFalse(screen.contains(payload), "\(payload) on screen")
        }
    }
}
