import XCTest
import TechFlunkyCore
@testable import TechFlunkyTUI
import TechFlunkyText

final class ListingDetailPaneTests: XCTestCase {
    func testEnterOpensDetailWithBreakdownTreeAssetsAndSeller() async {
        var d = UIDriver(service: InMemoryMarketplace(count: 3), width: 100, height: 60)
        await d.start()
        await d.press(.enter)
        XCTAssertEqual(d.state.topPane.kind, .listingDetail)
        let screen = d.screen
        XCTAssertTrue(screen.contains("› Business number 0"), screen)
        XCTAssertTrue(screen.contains("Asking price      $1,000.00"), screen)
        // 15 % of $1,000 is $150; the seller receives the rest; 3-day review.
        XCTAssertTrue(screen.contains("Platform fee 15 % $150.00"), screen)
        XCTAssertTrue(screen.contains("Seller receives   $850.00"), screen)
        XCTAssertTrue(screen.contains("3-day review"))
        XCTAssertTrue(screen.contains("Workers (1)"))
        XCTAssertTrue(screen.contains("└─ api"), screen)
        XCTAssertTrue(screen.contains("├─ DB → D1 links"), screen)
        XCTAssertTrue(screen.contains("links · 2 migrations"))
        XCTAssertTrue(screen.contains("R2 buckets (1)"))
        XCTAssertTrue(screen.contains("CNAME go → {{workers_dev}}"))
        XCTAssertTrue(screen.contains("Market research  1.2 MB"), screen)
        XCTAssertTrue(screen.contains("Sam Seller · 3 listings"))
        XCTAssertTrue(screen.contains("b buy"))
    }

    func testBuyPushesCheckoutAndEscGoesBack() async {
        var d = UIDriver(service: InMemoryMarketplace(count: 3))
        await d.start()
        await d.press(.enter, .char("b"))
        XCTAssertEqual(d.state.topPane.kind, .checkout)
        await d.press(.escape)
        XCTAssertEqual(d.state.topPane.kind, .listingDetail)
        await d.press(.char("q"))
        XCTAssertEqual(d.state.topPane.kind, .browse)
        XCTAssertFalse(d.quit)
        await d.press(.char("q"))
        XCTAssertTrue(d.quit)
    }

    func testEscNeverQuitsAndClearsAnAppliedSearch() async {
        var d = UIDriver(service: InMemoryMarketplace(count: 3))
        await d.start()
        await d.press(.char("/"))
        await d.type("tax")
        await d.press(.enter)
        await d.fireTimers()
        XCTAssertEqual(d.browse.query.q, "tax")
        await d.press(.escape)
        XCTAssertFalse(d.quit, "Esc after a search must not quit")
        XCTAssertNil(d.browse.query.q, "Esc clears the applied search")
        await d.press(.escape, .escape)
        XCTAssertFalse(d.quit, "Esc at the top never quits")
        XCTAssertTrue(d.screen.contains("q quits"), d.screen)
        await d.press(.char("q"))
        XCTAssertTrue(d.quit, "q quits at the top when nothing would be lost")
    }

    func testQAsksFirstWhenTheDeployFormHoldsTypedInput() async {
        var d = UIDriver(service: InMemoryMarketplace(count: 3))
        await d.start()
        var form = DeployFormPane(order: CheckoutFixtures.order(.paid))
        var ctx = PaneContext(area: Rect(x: 0, y: 0, width: 100, height: 30), environment: UIEnvironment(platformLabel: "test"))
        _ = form.handleText(Key.char("a"), &ctx)
        _ = form.handleText(Key.enter, &ctx)
        _ = form.handleText(Key.char("x"), &ctx)
        d.state.tabs[1].panes.append(form)
        XCTAssertNotNil(AppUpdate.quitWarning(d.state))
        await d.press(.char("q"))
        XCTAssertFalse(d.quit)
        XCTAssertTrue(d.screen.contains("Quit TechFlunky?"), d.screen)
        await d.press(.char("n"))
        XCTAssertFalse(d.quit)
        XCTAssertNil(d.state.confirmingQuit)
        await d.press(.char("q"), .char("y"))
        XCTAssertTrue(d.quit)
    }

    func testBuyIsDisabledWithReasonWhileLoading() async {
        var d = UIDriver(service: InMemoryMarketplace(count: 3))
        await d.start()
        d.holdRequests = true
        await d.press(.enter, .char("b"))
        XCTAssertEqual(d.state.topPane.kind, .listingDetail)
        XCTAssertTrue(d.screen.contains("the listing is still loading"), d.screen)
    }

    func testLongHostileDescriptionWrapsAndScrolls() {
        let description = "Line one\u{1B}[31m red\r\n" + String(repeating: "lorem ipsum dolor ", count: 500) + "\u{202E}END"
        let pane = ListingDetailPane(summary: Fixtures.summary(1), listing: Fixtures.listing(Fixtures.summary(1), description: description))
        let lines = pane.lines(width: 40)
        for line in lines {
            let text = line.spans.map(\.text).joined()
            XCTAssertLessThanOrEqual(DisplayWidth.of(text), 40)
            XCTAssertFalse(text.unicodeScalars.contains { TextSanitizer.isUnsafe($0.value) })
        }
        XCTAssertTrue(lines.contains { $0.spans.map(\.text).joined() == "Line one red" })
        var canvas = Canvas(width: 60, height: 20)
        pane.render(into: &canvas, area: canvas.bounds, RenderContext(environment: UIEnvironment(platformLabel: "t")))
        XCTAssertTrue(canvas.text.contains("┃"))  // a scroll thumb: there is more than fits
    }
}

final class AppUpdateTests: XCTestCase {
    func testHelpIsGeneratedFromKeyMapsAndClosesWithEsc() async {
        var d = UIDriver(service: InMemoryMarketplace(count: 3), width: 100, height: 40)
        await d.start()
        await d.press(.char("?"))
        let screen = d.screen
        XCTAssertTrue(screen.contains("Help: Browse"))
        XCTAssertTrue(screen.contains("↑/k"), screen)
        XCTAssertTrue(screen.contains("clear filters (no filters set)"), screen)
        XCTAssertTrue(screen.contains("Everywhere"))
        await d.press(.escape)
        XCTAssertFalse(d.state.showingHelp)
        XCTAssertFalse(d.quit)
    }

    func testNumberKeysSwitchTabsAndKeepEachStack() async {
        var d = UIDriver(service: InMemoryMarketplace(count: 3))
        await d.start()
        await d.press(.enter)
        await d.press(.char("2"))
        XCTAssertEqual(d.state.activeTab, .orders)
        XCTAssertTrue(d.screen.contains("Your orders"))
        await d.press(.char("1"))
        XCTAssertEqual(d.state.topPane.kind, .listingDetail)
        await d.send(.mouse(.click(x: 14, y: 1)))
        XCTAssertEqual(d.state.activeTab, .orders)
    }

    func testThemeKeyCyclesThemes() async {
        var d = UIDriver(service: InMemoryMarketplace(count: 1))
        d.state.themes = ThemeSet(themes: [Theme.builtinDark, Theme(name: "mono", styles: [:])])
        await d.start()
        await d.press(.char("t"))
        XCTAssertEqual(d.state.themes.current.name, "mono")
        XCTAssertTrue(d.screen.contains("Theme: mono"))
        await d.press(.char("t"))
        XCTAssertEqual(d.state.themes.current.name, "dark")
    }

    func testTypingInSearchDoesNotTriggerGlobalKeys() async {
        var d = UIDriver(service: InMemoryMarketplace(count: 3))
        await d.start()
        await d.press(.char("/"))
        await d.type("q2t?")
        XCTAssertFalse(d.quit)
        XCTAssertEqual(d.state.activeTab, .browse)
        XCTAssertFalse(d.state.showingHelp)
        XCTAssertEqual(d.browse.search.text, "q2t?")
        await d.press(.ctrl("c"))
        XCTAssertTrue(d.quit)
    }
}
