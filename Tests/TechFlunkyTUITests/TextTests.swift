import XCTest
@testable import TechFlunkyTUI
import TechFlunkyText

final class CanvasTests: XCTestCase {
    func testWideGraphemesTakeTwoCellsAndClipAtTheEdge() {
        var c = Canvas(width: 5, height: 1)
        c.write("a日本", x: 0, y: 0)
        XCTAssertEqual(c.rowText(0), "a日本")
        XCTAssertTrue(c[2, 0].isContinuation)
        var d = Canvas(width: 4, height: 1)
        d.write("a日本", x: 0, y: 0)
        XCTAssertEqual(d.rowText(0), "a日 ")  // the second wide grapheme would straddle the edge
    }

    func testOverwritingHalfAWideGraphemeBlanksTheOtherHalf() {
        var c = Canvas(width: 4, height: 1)
        c.write("日本", x: 0, y: 0)
        c.write("x", x: 1, y: 0)
        XCTAssertEqual(c.rowText(0), " x本")
    }

    func testCanvasNeverHoldsControlCharacters() {
        var c = Canvas(width: 30, height: 1)
        c.write("ok\u{1B}[2J\r\u{08}\u{202E}done", x: 0, y: 0)
        for x in 0..<30 {
            XCTAssertFalse(c[x, 0].grapheme.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || (0x202A...0x202E).contains($0.value) })
        }
        XCTAssertTrue(c.rowText(0).hasPrefix("ok"))
    }

    func testCombiningMarkJoinsThePreviousCell() {
        var c = Canvas(width: 3, height: 1)
        c.write("e\u{301}x", x: 0, y: 0)
        XCTAssertEqual(c[0, 0].grapheme, "e\u{301}")
        XCTAssertEqual(c[1, 0].grapheme, "x")
    }
}

final class TextInputTests: XCTestCase {
    func testEditingKeys() {
        var t = TextInput()
        for c in "hello world" { t.handle(.char(c)) }
        t.handle(.ctrl("w"))
        XCTAssertEqual(t.text, "hello ")
        t.handle(.ctrl("a"))
        t.handle(.char(">"))
        XCTAssertEqual(t.text, ">hello ")
        t.handle(.ctrl("e"))
        t.handle(.backspace)
        XCTAssertEqual(t.text, ">hello")
        t.handle(.left)
        t.handle(.left)
        t.handle(.ctrl("u"))
        XCTAssertEqual(t.text, "lo")
        XCTAssertEqual(t.cursor, 0)
        t.handle(.delete)
        XCTAssertEqual(t.text, "o")
        XCTAssertFalse(t.handle(.up))
    }

    func testMaskedInputNeverRendersTheSecret() {
        var t = TextInput(masked: true)
        for c in "cf-token-123" { t.handle(.char(c)) }
        var canvas = Canvas(width: 20, height: 1)
        TextFieldWidget(t, focused: true).render(into: &canvas, area: canvas.bounds)
        XCTAssertFalse(canvas.text.contains("token"))
        XCTAssertTrue(canvas.text.hasPrefix("••••••••••••"))
    }

    func testPastedControlCharactersAreNotInserted() {
        var t = TextInput()
        t.handle(.char("\u{1B}"))
        t.handle(.char("a"))
        XCTAssertFalse(t.text.unicodeScalars.contains { $0.value == 0x1B })
    }
}
