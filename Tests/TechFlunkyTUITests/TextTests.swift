import XCTest
@testable import TechFlunkyTUI

final class TextSanitizerTests: XCTestCase {
    func testEscapeSequencesAreRemovedWhole() {
        XCTAssertEqual(TextSanitizer.line("a\u{1B}[31mred\u{1B}[0m b"), "ared b")
        // OSC 8 hyperlink and window title (BEL- and ST-terminated).
        XCTAssertEqual(TextSanitizer.line("x\u{1B}]0;pwned\u{07}y\u{1B}]8;;http://evil\u{1B}\\z"), "xyz")
        // C1 CSI
        XCTAssertEqual(TextSanitizer.line("a\u{9B}2Jb"), "ab")
    }

    func testCarriageReturnAndBackspaceCannotOverwrite() {
        let s = TextSanitizer.line("Trusted seller\rEVIL\u{08}\u{08}")
        XCTAssertFalse(s.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
        XCTAssertTrue(s.hasPrefix("Trusted seller"))
    }

    func testControlCharactersBecomeVisibleAndBidiControlsVanish() {
        XCTAssertEqual(TextSanitizer.line("bell\u{07}"), "bell␇")
        XCTAssertEqual(TextSanitizer.line("del\u{7F}"), "del␡")
        XCTAssertEqual(TextSanitizer.line("c1\u{85}"), "c1\u{FFFD}")
        XCTAssertEqual(TextSanitizer.line("abc\u{202E}fed\u{2066}x\u{2069}\u{200F}"), "abcfedx")
        XCTAssertEqual(TextSanitizer.line("tab\there\nnew"), "tab here new")
    }

    func testEveryBidiControlIsRemovedIncludingTheArabicLetterMark() {
        for v: UInt32 in [0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069] {
            let scalar = Unicode.Scalar(v)!
            XCTAssertTrue(TextSanitizer.isUnsafe(v), "U+\(String(v, radix: 16))")
            XCTAssertEqual(TextSanitizer.line("ab\(scalar)c"), "abc", "U+\(String(v, radix: 16))")
        }
    }

    func testMultilineKeepsLineBreaksOnly() {
        XCTAssertEqual(TextSanitizer.multiline("a\r\nb\rc\nd\u{1B}[2K"), "a\nb\nc\nd")
    }

    func testCleanTextIsReturnedUnchanged() {
        let s = "Café 日本 👍🏽 ❤️"
        XCTAssertEqual(TextSanitizer.line(s), s)
    }
}

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
}

final class TextLayoutTests: XCTestCase {
    func testTruncateAddsEllipsisAndRespectsWideCharacters() {
        XCTAssertEqual(TextLayout.truncate("hello world", to: 8), "hello w…")
        XCTAssertEqual(TextLayout.truncate("hello", to: 5), "hello")
        // 日本語 is 6 cells; in 5 cells: 日本 (4) + … (1).
        XCTAssertEqual(TextLayout.truncate("日本語", to: 5), "日本…")
        XCTAssertEqual(TextLayout.truncate("日本語", to: 4), "日…")
        XCTAssertEqual(DisplayWidth.of(TextLayout.truncate(String(repeating: "👍🏽", count: 50), to: 9)), 9)
        XCTAssertEqual(TextLayout.truncate("abc", to: 0), "")
    }

    func testFitPadsToExactWidth() {
        XCTAssertEqual(TextLayout.fit("ab", to: 4), "ab  ")
        XCTAssertEqual(TextLayout.fit("ab", to: 4, alignRight: true), "  ab")
        XCTAssertEqual(DisplayWidth.of(TextLayout.fit("日本語", to: 4)), 4)
    }

    func testWrapBreaksAtWordsAndByWidth() {
        XCTAssertEqual(TextLayout.wrap("the quick brown fox", width: 10), ["the quick", "brown fox"])
        XCTAssertEqual(TextLayout.wrap("abcdefghij", width: 4), ["abcd", "efgh", "ij"])
        XCTAssertEqual(TextLayout.wrap("日本語日本語", width: 5), ["日本", "語日", "本語"])
        XCTAssertEqual(TextLayout.wrap("one\n\ntwo", width: 10), ["one", "", "two"])
        for line in TextLayout.wrap(String(repeating: "word ", count: 400), width: 13) {
            XCTAssertLessThanOrEqual(DisplayWidth.of(line), 13)
        }
    }
}

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
