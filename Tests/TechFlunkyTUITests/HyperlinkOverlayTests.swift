import XCTest
@testable import TechFlunkyTUI

final class HyperlinkOverlayTests: XCTestCase {
    static func canvas(link url: String, text: String = "pay here") -> Canvas {
        var canvas = Canvas(width: 20, height: 3)
        let id = canvas.hyperlink(url)
        canvas.write(text, x: 2, y: 1, style: CellStyle(.accent, underline: true, link: id))
        return canvas
    }

    func testALinkedRunIsWrittenInsideOSC8WithItsOwnLookAndTheCursorRestored() {
        let canvas = Self.canvas(link: "https://checkout.stripe.com/c/pay/cs_1")
        let sequence = HyperlinkOverlay.sequence(canvas: canvas, previous: nil) { _ in "<sgr>" }
        XCTAssertEqual(sequence, "\u{1B}7\u{1B}[2;3H\u{1B}]8;;https://checkout.stripe.com/c/pay/cs_1\u{1B}\\<sgr>pay here\u{1B}]8;;\u{1B}\\\u{1B}8")
    }

    func testAnUnchangedLinkIsNotSentAgainButAChangedTargetIs() {
        let before = Self.canvas(link: "https://a.example/1")
        XCTAssertEqual(HyperlinkOverlay.sequence(canvas: before, previous: before) { _ in "" }, "")
        let after = Self.canvas(link: "https://a.example/2")
        XCTAssertTrue(HyperlinkOverlay.sequence(canvas: after, previous: before) { _ in "" }.contains("https://a.example/2"))
    }

    func testHostileTargetsAreNotLinksAndHostileTextIsSanitisedBeforeItIsWrapped() {
        var canvas = Canvas(width: 10, height: 1)
        for url in ["https://a.example/\u{1B}]8;;evil\u{1B}\\", "https://a.example/ x", "https://a.example/\u{07}",
                    "https://a.example/\u{9C}", "no-scheme", ""] {
            XCTAssertEqual(canvas.hyperlink(url), 0, url.debugDescription)
        }
        XCTAssertEqual(canvas.links, [])
        let sequence = HyperlinkOverlay.sequence(canvas: Self.canvas(link: "https://a.example", text: "ok\u{1B}[31mred"),
                                                 previous: nil) { _ in "" }
        // Only the overlay's own sequences carry ESC: save, move, OSC 8 open and its terminator, OSC 8 close and its terminator, restore.
        XCTAssertEqual(sequence.filter { $0 == "\u{1B}" }.count, 7, sequence.debugDescription)
        XCTAssertFalse(sequence.contains("[31m"))
    }

    func testHyperlinksAreOffForTheLinuxConsoleAndDumbTerminalsAndOnRequest() {
        XCTAssertTrue(NCursesBackend.supportsHyperlinks(["TERM": "xterm-256color"]))
        XCTAssertTrue(NCursesBackend.supportsHyperlinks(["TERM": "tmux-256color"]))
        XCTAssertFalse(NCursesBackend.supportsHyperlinks(["TERM": "linux"]))
        XCTAssertFalse(NCursesBackend.supportsHyperlinks(["TERM": "dumb"]))
        XCTAssertFalse(NCursesBackend.supportsHyperlinks(["TERM": "xterm-256color", "TECHFLUNKY_HYPERLINKS": "0"]))
        XCTAssertTrue(NCursesBackend.supportsHyperlinks(["TERM": "linux", "TECHFLUNKY_HYPERLINKS": "1"]))
    }
}
