import Foundation
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyText
import XCTest
@testable import TechFlunkyTUI

/// Marking listings in Browse and the compare view: four at most (a fifth is refused with a message), side by side
/// at 160×48, three at a time with the focus scrolling at 80×24.
final class ComparePaneTests: XCTestCase {
    typealias H = HistoryChartTests

    /// Four listings with different figures, each package a little different.
    static func summaries() -> [ListingSummary] {
        (0..<4).map { i in
            var s = H.summary(i)
            s.title = ["Tea Trove — loose-leaf tea", "UptimePal — status pages", "TutorHub — tutoring", "TaxTally — tax estimates"][i]
            s.askingPrice = .usd([185_000_00, 140_000_00, 180_000_00, 355_000_00][i])
            s.monthlyRevenue = .usd([21_000_00, 5_200_00, 11_200_00, 13_800_00][i])
            s.monthlyProfit = .usd([5_670_00, 3_850_00, 5_150_00, 8_420_00][i])
            s.ageMonths = [63, 38, 40, 47][i]
            return s
        }
    }

    static func platform(_ request: ServiceRequest) -> Result<ServiceResponse, ServiceFailure>? {
        guard case let .listing(slug) = request, let s = summaries().first(where: { $0.slug == slug }) else { return H.platform(request) }
        var listing = Fixtures.listing(s)
        listing.history = Array(H.history.dropLast(Int(s.id.dropFirst(4))! * 5))
        if slug == "listing-2" { listing.package.cloudflare.r2Buckets = [] }
        return .success(.listing(listing))
    }

    func testMarkingFourAndRefusingAFifth() {
        var p = DrivenPane(BrowsePane(), width: 120, height: 30)
        p.answer(H.platform)
        var pane = p.pane, ctx = p.ctx
        var statuses: [String] = []
        for row in 0..<5 {
            if row > 0 { _ = CheckoutFixtures.press(.down, &pane, &ctx) }
            for case let .status(message) in CheckoutFixtures.press(.char("m"), &pane, &ctx) { statuses.append(message.text) }
        }
        XCTAssertEqual(pane.marked.map(\.slug), ["listing-0", "listing-1", "listing-2", "listing-3"])
        XCTAssertTrue(statuses.last?.contains("at most 4") == true, "\(statuses)")
        let screen = ScreenGolden.screen(pane, width: 120, height: 30)
        XCTAssertEqual(screen.components(separatedBy: "◆ Business number").count - 1, 4, screen)
        XCTAssertTrue(screen.contains("◆ 4 marked (C compare)"), screen)
        // m again unmarks; C then opens the compare view with the rest.
        _ = CheckoutFixtures.press(.up, &pane, &ctx)
        _ = CheckoutFixtures.press(.char("m"), &pane, &ctx)
        XCTAssertEqual(pane.marked.count, 3)
        let opened = CheckoutFixtures.press(.char("C"), &pane, &ctx)
        guard case let .push(compare)? = opened.first, let comparePane = compare as? ComparePane else { return XCTFail("\(opened)") }
        XCTAssertEqual(comparePane.summaries.map(\.slug), ["listing-0", "listing-1", "listing-2"])
    }

    func testCompareNeedsTwoMarked() {
        var p = DrivenPane(BrowsePane(), width: 120, height: 30)
        p.answer(H.platform)
        var pane = p.pane, ctx = p.ctx
        _ = CheckoutFixtures.press(.char("m"), &pane, &ctx)
        let commands = CheckoutFixtures.press(.char("C"), &pane, &ctx)
        guard case let .status(message)? = commands.first else { return XCTFail("\(commands)") }
        XCTAssertTrue(message.text.contains("mark 2 to 4"), message.text)
    }

    func testFourSideBySideAt160x48() {
        var p = DrivenPane(ComparePane(summaries: Self.summaries()), width: 160, height: 48)
        let loading = ScreenGolden.screen(p.pane, pushed: true, width: 160, height: 48)
        XCTAssertTrue(loading.contains("loading…"))
        p.answer(Self.platform)
        let screen = ScreenGolden.screen(p.pane, pushed: true, width: 160, height: 48)
        for title in ["Tea Trove", "UptimePal", "TutorHub", "TaxTally"] { XCTAssertTrue(screen.contains(title), title) }
        XCTAssertFalse(screen.contains("loading…"))
        XCTAssertTrue(screen.contains("$185,000") && screen.contains("27 %") && screen.contains("74 %"), screen)
        let r2 = try! XCTUnwrap(screen.split(separator: "\n").first { $0.contains("R2 buckets") })
        XCTAssertTrue(r2.contains("none") && r2.contains("1: assets"), String(r2))
        ScreenGolden.assert(screen, named: "compare-160x48")
    }

    func testAt80ColumnsThreeFitAndTheFocusScrolls() {
        var p = DrivenPane(ComparePane(summaries: Self.summaries()), width: 80, height: 24)
        p.answer(Self.platform)
        XCTAssertEqual(p.pane.layout(width: 80).count, 3)
        let first = ScreenGolden.screen(p.pane, pushed: true, width: 80, height: 24)
        XCTAssertTrue(first.contains("1 more →") && !first.contains("TaxTally"), first)
        ScreenGolden.assert(first, named: "compare-80x24")
        for _ in 0..<3 { p.press(.right) }
        let last = ScreenGolden.screen(p.pane, pushed: true, width: 80, height: 24)
        XCTAssertTrue(last.contains("TaxTally") && last.contains("← 1 more") && !last.contains("Tea Trove"), last)
        for _ in 0..<20 { p.press(.down) }
        let scrolled = ScreenGolden.screen(p.pane, pushed: true, width: 80, height: 24)
        XCTAssertTrue(scrolled.contains("DNS records"), scrolled)
    }

    func testBestFigureIsTheLowestPriceAndHighestReturns() {
        XCTAssertEqual(ComparedListing.best([3, 1, 2], higherIsBetter: false), 1)
        XCTAssertEqual(ComparedListing.best([3, nil, 5], higherIsBetter: true), 2)
        XCTAssertNil(ComparedListing.best([2, 2], higherIsBetter: true), "a tie has no winner")
        XCTAssertNil(ComparedListing.best([2, nil], higherIsBetter: true))
    }
}
