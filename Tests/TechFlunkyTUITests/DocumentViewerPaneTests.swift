import Foundation
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyText
import XCTest
@testable import TechFlunkyTUI

/// The due-diligence viewer: a preview says how much it is and that the rest comes with the purchase; the whole
/// document has no such banner; Markdown is drawn simply and hostile bytes never reach the canvas.
final class DocumentViewerPaneTests: XCTestCase {
    static let plan = """
        # Business plan — ChairTime

        ## Today
        | | per month |
        |---|---:|
        | Revenue | $10,800 |

        ## The next twelve months
        - **Quarter 1:** take over support and billing; keep the release cadence steady with *one* release a week.
        - **Quarter 2:** ship the two most-requested features.
        1. first_step stays snake_case
        """

    static func listing() -> Listing {
        var listing = Fixtures.listing(Fixtures.summary(1))
        listing.assets = [BusinessAsset(kind: "businessPlan", path: "assets/business-plan.md", bytes: 400),
                          BusinessAsset(kind: "marketResearch", path: "assets/market-research.md", bytes: 300)]
        return listing
    }

    func document(whole: Bool, text: String = plan) -> BusinessDocument {
        BusinessDocument.make(kind: "businessPlan", fileName: "business-plan.md", format: .markdown, text: text, percent: 40, whole: whole)
    }

    func testPreviewSaysHowMuchAndWholeDoesNot() {
        var p = DrivenPane(DocumentViewerPane(listing: Self.listing()), width: 80, height: 24)
        p.answer { if case .businessDocument(slug: "listing-1", kind: "businessPlan") = $0 { .success(.businessDocument(self.document(whole: false))) } else { nil } }
        let preview = ScreenGolden.screen(p.pane, pushed: true, width: 80, height: 24)
        XCTAssertTrue(preview.contains("preview: the first 5 of 11 lines"), preview)
        XCTAssertTrue(preview.contains("more lines after purchase"), preview)
        XCTAssertFalse(preview.contains("Quarter 1"), "beyond the preview")
        ScreenGolden.assert(preview, named: "document-preview-80x24")

        var whole = DrivenPane(DocumentViewerPane(listing: Self.listing()), width: 80, height: 24)
        whole.answer { if case .businessDocument = $0 { .success(.businessDocument(self.document(whole: true))) } else { nil } }
        let screen = ScreenGolden.screen(whole.pane, pushed: true, width: 80, height: 24)
        XCTAssertTrue(screen.contains("the whole document, 11 lines"), screen)
        XCTAssertFalse(screen.contains("after purchase"))
        XCTAssertTrue(screen.contains("• Quarter 1: take over support"), "bold markers removed, bullet drawn: \(screen)")
        XCTAssertTrue(screen.contains("first_step stays snake_case"), "underscores inside words stay")
        XCTAssertTrue(screen.contains("Revenue  $10,800"), "tables aligned, separator row dropped: \(screen)")
        ScreenGolden.assert(screen, named: "document-whole-80x24")
    }

    func testTabOpensTheNextDocument() {
        var p = DrivenPane(DocumentViewerPane(listing: Self.listing()), width: 80, height: 24)
        p.answer { if case .businessDocument = $0 { .success(.businessDocument(self.document(whole: true))) } else { nil } }
        var asked: [String] = []
        p.press(.tab)
        p.answer { request in
            if case let .businessDocument(_, kind) = request { asked.append(kind) }
            return nil
        }
        XCTAssertEqual(asked, ["marketResearch"])
        XCTAssertEqual(p.pane.title, "Market research")
    }

    func testHostileTextIsSanitisedAndWrapped() {
        let hostile = "# Plan \u{1b}]52;c;ZXZpbA==\u{7}title\n- item \u{202e}reversed\u{202c} \u{1b}[31mred\n"
        let lines = MarkdownText.lines(hostile, width: 30).map { $0.spans.map(\.text).joined() }
        for line in lines {
            XCTAssertFalse(line.unicodeScalars.contains { $0.value == 0x1b || $0.value == 0x07 || $0.value == 0x202e }, line)
        }
        XCTAssertTrue(lines.contains { $0.contains("Plan title") || $0.contains("Plan") }, "\(lines)")
        let long = MarkdownText.lines("- " + String(repeating: "word ", count: 30), width: 20).map { $0.spans.map(\.text).joined() }
        XCTAssertGreaterThan(long.count, 3)
        XCTAssertTrue(long.dropFirst().allSatisfy { $0.hasPrefix("  ") }, "hanging indent: \(long)")
        XCTAssertTrue(long.allSatisfy { DisplayWidth.of($0) <= 20 }, "\(long)")
    }
}
