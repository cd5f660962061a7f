import XCTest
import TechFlunkyText

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
