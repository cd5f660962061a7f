import XCTest
import TechFlunkyText

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
