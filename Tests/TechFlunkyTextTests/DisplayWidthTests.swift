import XCTest
@testable import TechFlunkyText

final class DisplayWidthTests: XCTestCase {
    func testWidthIsPerGrapheme() {
        XCTAssertEqual(DisplayWidth.of("abc"), 3)
        XCTAssertEqual(DisplayWidth.of("日本"), 4)
        XCTAssertEqual(DisplayWidth.of(Character("👍🏽")), 2)
        XCTAssertEqual(DisplayWidth.of(Character("❤️")), 1)  // drawn as ❤ (TerminalGlyph)
        XCTAssertEqual(DisplayWidth.of(Character("e\u{301}")), 1)
        XCTAssertEqual(DisplayWidth.of(Character("\u{301}")), 0)
        XCTAssertEqual(DisplayWidth.of("🇯🇵"), 2)
    }

    /// The widths the TUI's tests pin, from the C library's `wcwidth` (the function ncurses measures with), with no
    /// ncurses in this module: CJK and most emoji two cells, a heart one, a combining mark none.
    func testWidthsComeFromTheCLibrarysWCWidth() {
        XCTAssertEqual(DisplayWidth.wcwidth(0x41), 1)        // A
        XCTAssertEqual(DisplayWidth.wcwidth(0x4E2D), 2)      // 中
        XCTAssertEqual(DisplayWidth.wcwidth(0x30AB), 2)      // カ
        XCTAssertEqual(DisplayWidth.wcwidth(0x1F44D), 2)     // 👍
        XCTAssertEqual(DisplayWidth.wcwidth(0x1F468), 2)     // 👨
        XCTAssertEqual(DisplayWidth.wcwidth(0x2764), 1)      // ❤
        XCTAssertEqual(DisplayWidth.wcwidth(0x301), 0)       // combining acute
        XCTAssertEqual(DisplayWidth.of("👨‍👩‍👧‍👦"), 8)           // four people, as drawn
        XCTAssertEqual(DisplayWidth.of("日本語のカフェ"), 14)
        XCTAssertEqual(DisplayWidth.of("Cafe\u{301} ❤️ 👍🏽"), 9)
    }
}

final class TerminalGlyphTests: XCTestCase {
    func testSequencesAreDrawnAsPartsEveryTerminalMeasuresAlike() {
        XCTAssertEqual(TerminalGlyph.parts("❤️"), [.init(text: "\u{2764}", width: 1)])
        XCTAssertEqual(TerminalGlyph.parts("👨‍👩‍👧‍👦").map(\.text), ["👨", "👩", "👧", "👦"])
        XCTAssertEqual(TerminalGlyph.parts("👨‍👩‍👧‍👦").map(\.width), [2, 2, 2, 2])
        XCTAssertEqual(TerminalGlyph.parts("👍🏽"), [.init(text: "👍", width: 2)])
        XCTAssertEqual(TerminalGlyph.parts("e\u{301}"), [.init(text: "e\u{301}", width: 1)])
        XCTAssertEqual(TerminalGlyph.parts("日"), [.init(text: "日", width: 2)])
        // Unassigned: wcwidth does not know it, so it is drawn as one replacement character.
        XCTAssertEqual(TerminalGlyph.parts(Character(Unicode.Scalar(0x10FFFF)!)), [.init(text: "\u{FFFD}", width: 1)])
    }
}
