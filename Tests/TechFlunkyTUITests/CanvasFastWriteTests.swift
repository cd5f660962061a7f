import XCTest
@testable import TechFlunkyTUI
import TechFlunkyText

/// `Canvas.write` and `writeFitted` take printable ASCII a byte at a time and draw fitted text in pieces instead of
/// building the padded string. These tests hold them to the plain algorithm they replaced (kept below as the
/// reference): every `Character` measured and drawn one by one, fitted text built with `TextLayout.fit`.
final class CanvasFastWriteTests: XCTestCase {
    /// Text chosen for the joints the fast path must get right: ASCII next to combining marks, Prepend and ZWJ
    /// sequences, wide graphemes at the edges, regional-indicator flags, controls and escape sequences.
    static let samples: [String] = [
        "", "a", "plain ascii text", "Listing 42 — a ready-to-run business", "$1,234", "12.5K", "–", "2.4×",
        "e\u{301}cole", "\u{301}lead mark", "trail mark\u{301}", "x\u{301}\u{302}\u{303}y", "tail e\u{301}",
        "漢字テキスト", "a漢b字c", "漢", "ab漢", "👍🏽 ok", "ok 👍🏽", "❤️", "👨‍👩‍👧 family", "a\u{200D}b", "🇫🇷🇩🇪 flags",
        "\u{600}123", "12\u{600}", "abc\u{600}", "\u{600}", "ﾊﾝｶｸ", "Ａｂｃ", "tab\there", "cr\r\nlf", "bell\u{07}",
        "\u{1B}[31mred\u{1B}[0m", "bidi\u{202E}gnp.exe", "zero\u{200B}width", "\u{FEFF}bom", "x\u{7F}y", "c1\u{85}",
        "a very long title that will certainly need to be truncated somewhere", "…", "ends with …",
    ]

    func testWriteMatchesTheGraphemeLoop() {
        for text in Self.samples {
            for x in [-2, 0, 3, 9] {
                for maxWidth in [nil, 0, 1, 2, 3, 5, 8] {
                    var fast = Self.backdrop()
                    var reference = Self.backdrop()
                    let used = fast.write(text, x: x, y: 1, maxWidth: maxWidth, style: .accent)
                    let expected = Self.referenceWrite(&reference, text, x: x, y: 1, maxWidth: maxWidth, style: .accent)
                    XCTAssertEqual(used, expected, "cells used writing \(text.debugDescription) at \(x) max \(String(describing: maxWidth))")
                    XCTAssertEqual(Self.dump(fast), Self.dump(reference), "writing \(text.debugDescription) at \(x) max \(String(describing: maxWidth))")
                }
            }
        }
    }

    func testWriteFittedMatchesFitThenWrite() {
        for text in Self.samples {
            for x in [0, 4, 7, 10] {
                for width in 1...9 {
                    for alignRight in [false, true] {
                        var fast = Self.backdrop()
                        var reference = Self.backdrop()
                        fast.writeFitted(text, x: x, y: 2, width: width, style: .muted, alignRight: alignRight)
                        Self.referenceWrite(&reference, TextLayout.fit(TextSanitizer.line(text), to: width, alignRight: alignRight),
                                            x: x, y: 2, maxWidth: width, style: .muted)
                        XCTAssertEqual(Self.dump(fast), Self.dump(reference),
                                       "fitting \(text.debugDescription) at \(x) in \(width) alignRight \(alignRight)")
                    }
                }
            }
        }
    }

    func testTruncateStillCutsByGrapheme() {
        for text in Self.samples {
            for width in 0...12 {
                XCTAssertEqual(TextLayout.truncate(text, to: width), Self.referenceTruncate(text, to: width),
                               "truncating \(text.debugDescription) to \(width)")
            }
            XCTAssertEqual(DisplayWidth.of(text), text.reduce(0) { $0 + DisplayWidth.of($1) }, "width of \(text.debugDescription)")
        }
    }

    /// Every cell as grapheme, width and style, compact enough to read in a failure message.
    static func dump(_ canvas: Canvas) -> [String] {
        canvas.cells.map { "\($0.grapheme.unicodeScalars.map { String($0.value, radix: 16) })/\($0.width)/\($0.style.role.rawValue)\($0.style.bold ? "+b" : "")" }
    }

    /// A 12×4 canvas with wide graphemes already on the rows written to, so overwriting half of one shows.
    static func backdrop() -> Canvas {
        var canvas = Canvas(width: 12, height: 4)
        for y in 1...2 { referenceWrite(&canvas, "a漢字bc漢d字", x: 0, y: y, maxWidth: nil, style: .text) }
        return canvas
    }

    /// The write loop as it was before the ASCII fast path (each grapheme drawn as its `TerminalGlyph` parts).
    @discardableResult
    static func referenceWrite(_ canvas: inout Canvas, _ text: String, x: Int, y: Int, maxWidth: Int?, style: CellStyle) -> Int {
        guard y >= 0, y < canvas.height, x < canvas.width else { return 0 }
        let limit = min(maxWidth ?? (canvas.width - x), canvas.width - x)
        guard limit > 0 else { return 0 }
        var col = x
        let end = x + limit
        for ch in TextSanitizer.line(text) {
            let w = DisplayWidth.of(ch)
            if w == 0 {
                if col > x, col - 1 >= 0 {
                    var lead = col - 1
                    if canvas[lead, y].isContinuation, lead > 0 { lead -= 1 }
                    var cell = canvas[lead, y]
                    for part in TerminalGlyph.parts(ch) { cell.grapheme += part.text }
                    canvas.set(x: lead, y: y, cell)
                }
                continue
            }
            for part in TerminalGlyph.parts(ch) where part.width > 0 {
                if col + part.width > end {
                    if part.width == 2, col < end, col >= 0 { canvas.set(x: col, y: y, Cell(style: style)); col += 1 }
                    return col - x
                }
                if col >= 0 { canvas.set(x: col, y: y, Cell(grapheme: part.text, width: UInt8(part.width), style: style)) }
                col += part.width
            }
        }
        return col - x
    }

    /// Truncation as it was: measure `Character` by `Character`.
    static func referenceTruncate(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        var used = 0
        var keepEnd = text.startIndex
        var i = text.startIndex
        while i < text.endIndex {
            let w = DisplayWidth.of(text[i])
            if used + w > width { return String(text[..<keepEnd]) + String(TextLayout.ellipsis) }
            used += w
            i = text.index(after: i)
            if used <= width - 1 { keepEnd = i }
        }
        return text
    }
}
