import Foundation
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyText
import XCTest
@testable import TechFlunkyTUI

/// The history charts: the Braille plot's geometry, its axes, the narrow fallback, and whole screens (detail with
/// charts, browse with the sparkline column) at 80×24 and 200×60 against goldens.
final class HistoryChartTests: XCTestCase {
    /// 36 months from December 2023: growing revenue with a summer peak, a steady margin, visitors that follow.
    static let history: [MonthlyFigures] = (0..<36).map { i in
        let season: [Int64] = [90, 92, 100, 104, 110, 118, 122, 114, 104, 98, 94, 96]
        let month = (11 + i) % 12
        let revenue = (600_000 + Int64(i) * 15_000) * season[month] / 100
        return MonthlyFigures(month: ListingHistory.monthText(2023 * 12 + 11 + i), revenue: revenue,
                              profit: revenue * 58 / 100 - Int64(i % 5) * 4_000, visitors: 9_000 + i * 240 + Int(season[month]) * 20)
    }

    static func summary(_ i: Int) -> ListingSummary {
        var s = Fixtures.summary(i)
        s.revenueSparkline = ListingHistory.sparkline(Array(history.dropLast(i % 7)))
        return s
    }

    static func platform(_ request: ServiceRequest) -> Result<ServiceResponse, ServiceFailure>? {
        let listings = (0..<30).map(summary)
        switch request {
        case .me: return .success(.me(CheckoutFixtures.me(sandbox: true)))
        case .categories: return .success(.categories([CategoryCount(name: "SaaS", count: 30)]))
        case .orders: return .success(.orders([]))
        case .listings: return .success(.listings(ListingPage(items: listings, nextCursor: nil, total: listings.count)))
        case let .listing(slug):
            var listing = Fixtures.listing(listings.first { $0.slug == slug } ?? listings[0])
            listing.history = history
            return .success(.listing(listing))
        default: return nil
        }
    }

    // MARK: the plot

    func testFullSeriesFillsTheTopRowAndEmptySeriesNothing() {
        let chart = HistoryChart(title: "T", values: [100, 100], firstMonth: "2024-01", style: .accent, width: 40, height: 3,
                                 format: { String($0) })
        XCTAssertEqual(chart.bounds.hi, 100)
        let rows = chart.lines().dropFirst().prefix(3).map { $0.spans.last!.text }
        // Every dot of every plot cell is lit: U+28FF.
        for row in rows { XCTAssertEqual(Set(row), ["\u{28FF}"]) }
        let zero = HistoryChart(title: "T", values: [0, 0, 0], firstMonth: "2024-01", style: .accent, width: 40, height: 3,
                                format: { String($0) })
        for row in zero.lines().dropFirst().prefix(3).map({ $0.spans.last!.text }) { XCTAssertEqual(Set(row), ["\u{2800}"]) }
    }

    func testRisingSeriesIsEmptyTopLeftAndFullBottomRight() {
        let chart = HistoryChart(title: "T", values: [0, 50, 100], firstMonth: "2024-01", style: .accent, width: 40, height: 4,
                                 format: { String($0) })
        let rows = chart.lines().dropFirst().prefix(4).map { Array($0.spans.last!.text) }
        XCTAssertEqual(rows[0].first, "\u{2800}", "the top left is empty for a rising series")
        XCTAssertEqual(rows[3].last, "\u{28FF}", "the bottom right is full")
        XCTAssertEqual(rows[0].last, "\u{28FF}", "the newest value reaches the top")
    }

    func testAxisShowsRoundMaximumZeroAndMonths() {
        let chart = HistoryChart(title: "Revenue", values: Self.history.map(\.revenue), firstMonth: "2023-12", style: .accent, width: 80,
                                 height: 6, format: { Money.usd($0).formattedCompact })
        let text = chart.lines().map { $0.spans.map(\.text).joined() }
        XCTAssertTrue(text[1].hasPrefix("  $15K ┤"), text[1])
        XCTAssertTrue(text[6].hasPrefix("    $0 ┤"), text[6])
        XCTAssertTrue(text[4].hasPrefix("$7,500 ┤"), text[4])
        XCTAssertTrue(text[7].contains("└────"))
        XCTAssertTrue(text[8].contains("Dec 23") && text[8].contains("2025") && text[8].contains("2026") && text[8].contains("Nov 26"), text[8])
        XCTAssertTrue(text[0].contains("vs a year ago"), text[0])
    }

    func testNiceCeiling() {
        XCTAssertEqual(HistoryChart.niceCeiling(1_090_000), 1_200_000)
        XCTAssertEqual(HistoryChart.niceCeiling(1_372_500), 1_500_000)
        XCTAssertEqual(HistoryChart.niceCeiling(2_400), 2_500)
        XCTAssertEqual(HistoryChart.niceCeiling(4_100), 5_000)
        XCTAssertEqual(HistoryChart.niceCeiling(8_100), 10_000)
        XCTAssertEqual(HistoryChart.niceCeiling(10_000), 10_000)
        XCTAssertEqual(HistoryChart.niceCeiling(0), 1)
    }

    func testNarrowChartIsOneSparklineLine() {
        let chart = HistoryChart(title: "Revenue", values: [1, 2, 3, 4], firstMonth: "2024-01", style: .accent, width: 30, height: 6,
                                 format: { String($0) })
        let lines = chart.lines()
        XCTAssertEqual(lines.count, 1)
        XCTAssertTrue(lines[0].spans.map(\.text).joined().contains("▁▃▆█ 4"))
    }

    func testSparklineScalesBetweenMinimumAndMaximumAndPads() {
        XCTAssertEqual(Sparkline.text([10, 20, 30]), "▁▅█")
        XCTAssertEqual(Sparkline.text([5, 5]), "▄▄")
        XCTAssertEqual(Sparkline.text([1, 8], width: 4), "  ▁█")
        XCTAssertEqual(Sparkline.text([1, 2, 3, 4, 5], width: 2), "▁█")
    }

    func testCompactCounts() {
        XCTAssertEqual(HistoryChart.compactCount(950), "950")
        XCTAssertEqual(HistoryChart.compactCount(12_500), "12.5K")
        XCTAssertEqual(HistoryChart.compactCount(20_000), "20K")
        XCTAssertEqual(HistoryChart.compactCount(1_250_000), "1.3M")
    }

    // MARK: screens

    func testDetailChartsGolden() {
        for (w, h) in [(80, 24), (200, 60)] {
            var p = DrivenPane(ListingDetailPane(summary: Self.summary(3)), width: w, height: h)
            p.answer(Self.platform)
            let lines = p.pane.lines(width: ListingDetailPane.contentWidth(p.ctx.area)).map { $0.spans.map(\.text).joined() }
            let historyLine = try! XCTUnwrap(lines.firstIndex { $0.hasPrefix("History · 36 months") })
            // Scrolled to the history, as a person reading down to it would.
            for _ in 0..<historyLine { p.press(.down) }
            let screen = ScreenGolden.screen(p.pane, pushed: true, width: w, height: h)
            XCTAssertTrue(screen.contains("Revenue / month"), screen)
            XCTAssertTrue(screen.contains("\u{28FF}"), "the plot has full cells")
            ScreenGolden.assert(screen, named: "detail-history-\(w)x\(h)")
        }
    }

    func testDetailWithoutHistoryHasNoHistorySection() {
        var p = DrivenPane(ListingDetailPane(summary: Fixtures.summary(3)), width: 80, height: 24)
        p.answer { request in
            if case let .listing(slug) = request { return .success(.listing(Fixtures.listing(Fixtures.summary(3, title: slug)))) }
            return nil
        }
        let text = p.pane.lines(width: 76).map { $0.spans.map(\.text).joined() }
        XCTAssertFalse(text.contains { $0.hasPrefix("History") })
        XCTAssertTrue(text.contains { $0.hasPrefix("About") }, "the listing loaded")
    }

    func testNarrowDetailFallsBackToSparklines() {
        var p = DrivenPane(ListingDetailPane(summary: Self.summary(3)), width: 34, height: 20)
        p.answer(Self.platform)
        let text = p.pane.lines(width: ListingDetailPane.contentWidth(p.ctx.area)).map { $0.spans.map(\.text).joined() }
        XCTAssertTrue(text.contains { $0.hasPrefix("Revenue") && $0.contains("▁") }, text.joined(separator: "\n"))
        XCTAssertFalse(text.contains { $0.contains("└") && $0.contains("─────") })
    }

    func testBrowseShowsTheSparklineColumnOnlyWhenThereIsRoom() {
        for (w, h) in [(80, 24), (200, 60)] {
            var p = DrivenPane(BrowsePane(), width: w, height: h)
            p.answer(Self.platform)
            let screen = ScreenGolden.screen(p.pane, width: w, height: h)
            XCTAssertEqual(screen.contains("Rev 12 mo"), w >= 200, screen)
            ScreenGolden.assert(screen, named: "browse-sparkline-\(w)x\(h)")
        }
    }
}
