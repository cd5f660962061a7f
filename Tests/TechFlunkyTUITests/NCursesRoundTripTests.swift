import XCTest
@testable import TechFlunkyTUI
import TechFlunkyText

/// Draws canvases through the real ncurses backend (into a screen that writes to /dev/null) and reads back what ncurses
/// believes is on the terminal. Where the two disagree about a glyph's width, every later cell of the row is shifted on
/// the terminal and the frame diff leaves old characters behind (issue 21: `❤️L`, a family drawn as one man).
final class NCursesRoundTripTests: XCTestCase {
    static let hostile = [
        "Family 👨‍👩‍👧‍👦 ❤️ Love 👍🏽 — test",
        "漢字 café e\u{301} flag 🇫🇷 key 1️⃣ smile ☺️ scot 🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F} end",
        "tone alone \u{1F3FD} and joiner a\u{200D}b, new \u{1FAE8} emoji",
    ]

    func testEmojiRowsReadBackAsTheCanvasHasThem() throws {
        try NCursesBackend.withOffscreenScreen(width: 70, height: 8) { backend in
            let first = Self.frame(rows: Self.hostile + ["plain", "lorem ipsum dolor sit amet"], width: 70, height: 8)
            backend.draw(first, theme: .builtinDark)
            Self.assertScreen(backend, equals: first, "first frame")

            // Scroll by one row: every emoji now lands over other text, drawn through the diff path.
            let second = Self.frame(rows: ["plain"] + Self.hostile + ["lorem ipsum dolor sit amet"], width: 70, height: 8)
            backend.draw(second, theme: .builtinDark)
            Self.assertScreen(backend, equals: second, "after scrolling down")

            backend.draw(first, theme: .builtinDark)
            Self.assertScreen(backend, equals: first, "after scrolling back")
        }
    }

    func testEveryCellOfAGlyphTheCanvasMeasuresWiderIsWritten() throws {
        // A cell built by hand that claims two cells for a one-cell character: the backend must still fill both.
        try NCursesBackend.withOffscreenScreen(width: 10, height: 1) { backend in
            var canvas = Canvas(width: 10, height: 1)
            canvas.write("xxxxxxxxxx", x: 0, y: 0)
            backend.draw(canvas, theme: .builtinDark)
            canvas.set(x: 2, y: 0, Cell(grapheme: "\u{2764}", width: 2))
            backend.draw(canvas, theme: .builtinDark)
            XCTAssertEqual(backend.screenRow(0), "xx\u{2764} xxxxxx")
        }
    }

    func testEmojiSequencesAreDrawnAsPartsTheTerminalMeasuresAlike() {
        XCTAssertEqual(TerminalGlyph.parts("❤️").map(\.text), ["\u{2764}"])
        XCTAssertEqual(DisplayWidth.of(Character("❤️")), 1)
        XCTAssertEqual(TerminalGlyph.parts("👨‍👩‍👧‍👦").map(\.text), ["👨", "👩", "👧", "👦"])
        XCTAssertEqual(DisplayWidth.of(Character("👨‍👩‍👧‍👦")), 8)
        XCTAssertEqual(TerminalGlyph.parts("👍🏽").map(\.text), ["👍"])
        XCTAssertEqual(TerminalGlyph.parts("e\u{301}").map(\.text), ["e\u{301}"])
    }

    static func frame(rows: [String], width: Int, height: Int) -> Canvas {
        var canvas = Canvas(width: width, height: height)
        for (y, row) in rows.prefix(height).enumerated() {
            canvas.write("│", x: 0, y: y, style: .border)
            canvas.writeFitted(row, x: 1, y: y, width: width - 2)
            canvas.write("│", x: width - 1, y: y, style: .border)
        }
        return canvas
    }

    static func assertScreen(_ backend: NCursesBackend, equals canvas: Canvas, _ when: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        for y in 0..<canvas.height {
            XCTAssertEqual(backend.screenRow(y).replacingTrailingSpaces(), canvas.rowText(y).replacingTrailingSpaces(),
                           "row \(y), \(when)", file: file, line: line)
        }
    }
}
