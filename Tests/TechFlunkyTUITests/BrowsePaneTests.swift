import XCTest
import TechFlunkyClient
import TechFlunkyCore
@testable import TechFlunkyTUI
import TechFlunkyText

final class BrowsePaneTests: XCTestCase {
    func testFirstScreenShowsColumnsRowsAndPosition() async {
        var d = UIDriver(service: InMemoryMarketplace(count: 12_345), width: 120, height: 30)
        await d.start()
        let screen = d.screen
        for column in ["Title", "Category", "Price", "Rev/mo", "Profit/mo", "Age", "Multiple"] {
            XCTAssertTrue(screen.contains(column), "missing column \(column):\n\(screen)")
        }
        XCTAssertTrue(screen.contains("Business number 0"))
        XCTAssertTrue(screen.contains("$1,000"))
        XCTAssertTrue(screen.contains("1–23 of 12,345"), screen)
        XCTAssertTrue(screen.contains("Demo Buyer"))
        XCTAssertTrue(screen.contains("sandbox"))
        XCTAssertTrue(screen.contains("● connected"))
        // Footer hints come from the key maps.
        XCTAssertTrue(screen.contains("/ search"))
        XCTAssertTrue(screen.contains("? help"))
    }

    func testASearchCountedOnlySoFarSaysAtLeast() async {
        let service = InMemoryMarketplace(count: 12_345)
        await service.setSearchCountLimit(10_000)
        var d = UIDriver(service: service, width: 120, height: 30)
        await d.start()
        XCTAssertTrue(d.screen.contains("1–23 of 12,345"), "browsing is counted exactly:\n\(d.screen)")
        await d.press(.char("/"))
        await d.type("Business")
        await d.fireTimers()
        XCTAssertTrue(d.screen.contains("1–23 of 10,000+"), d.screen)
    }

    func testNarrowTerminalDropsLowPriorityColumnsButKeepsTitleAndPrice() async {
        var d = UIDriver(service: InMemoryMarketplace(count: 10), width: 50, height: 20)
        await d.start()
        let header = d.screen.split(separator: "\n").first { $0.contains("Title") } ?? ""
        XCTAssertTrue(header.contains("Price"))
        XCTAssertFalse(header.contains("Age"))
        XCTAssertFalse(header.contains("Multiple"))
        for line in d.screen.split(separator: "\n") { XCTAssertLessThanOrEqual(DisplayWidth.of(String(line)), 50) }
    }

    /// The demo catalog's shape: categories up to "Content & Media" (15 cells), titles up to ~55.
    static let demoLikeListings: [ListingSummary] = (0..<30).map { i in
        Fixtures.summary(i, title: i == 2 ? "Kanji Sensei 漢字 — spaced repetition for Japanese learners" : "Business number \(i)",
                         category: ["Content & Media", "AI & Automation", "Developer Tools", "SaaS"][i % 4])
    }

    func testWideTerminalShowsWholeCategoriesAndWholeTitlesAndLeavesTheRestAtTheEnd() async {
        var d = UIDriver(service: InMemoryMarketplace(listings: Self.demoLikeListings), width: 240, height: 40)
        await d.start()
        let lines = d.screen.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.contains("Kanji Sensei 漢字 — spaced repetition for Japanese learners Developer Tools") },
                      "the longest title whole, its category right after it:\n\(d.screen)")
        for category in ["Content & Media", "AI & Automation", "Developer Tools"] {
            XCTAssertTrue(d.screen.contains(category), "\(category) cut:\n\(d.screen)")
        }
        XCTAssertFalse(d.screen.contains("Content & Med…"))
        let header = lines.first { $0.hasPrefix("Title") } ?? ""
        for column in ["Category", "Price", "Rev/mo", "Profit/mo", "Age", "Multiple", "Listed"] {
            XCTAssertTrue(header.contains(column), "missing \(column) at 240 columns: \(header)")
        }
        // The title column is as wide as the longest title, not the rest of the screen.
        guard let category = header.range(of: "Category") else { return XCTFail("no header:\n\(d.screen)") }
        XCTAssertLessThan(header.distance(from: header.startIndex, to: category.lowerBound), 70, header)
    }

    func testEightyColumnsKeepCategoriesWholeAndDropColumnsInTheStatedOrder() async {
        var d = UIDriver(service: InMemoryMarketplace(listings: Self.demoLikeListings), width: 80, height: 24)
        await d.start()
        let header = d.screen.split(separator: "\n").first { $0.hasPrefix("Title") }.map(String.init) ?? ""
        for column in ["Category", "Price", "Rev/mo", "Listed"] { XCTAssertTrue(header.contains(column), header) }
        for column in ["Age", "Multiple", "Profit/mo"] { XCTAssertFalse(header.contains(column), header) }
        XCTAssertTrue(d.screen.contains("Content & Media"), d.screen)
        XCTAssertTrue(d.screen.contains("AI & Automation"), d.screen)
        XCTAssertTrue(d.screen.contains("Business number 10 "), "titles get the room that is left:\n\(d.screen)")
        for line in d.screen.split(separator: "\n") { XCTAssertLessThanOrEqual(DisplayWidth.of(String(line)), 80) }
    }

    func testTheSelectedRowIsHighlightedAcrossTheWholeWidth() async {
        var d = UIDriver(service: InMemoryMarketplace(listings: Self.demoLikeListings), width: 100, height: 20)
        await d.start()
        await d.press(.down)
        let canvas = AppRenderer.render(d.state)
        guard let y = (0..<canvas.height).first(where: { canvas.rowText($0).contains("Business number 1 ") }),
              let other = (0..<canvas.height).first(where: { canvas.rowText($0).contains("Business number 4 ") }) else {
            return XCTFail(canvas.text)
        }
        for x in 0..<canvas.width { XCTAssertEqual(canvas[x, y].style.role, .selection, "cell \(x) of the selected row") }
        XCTAssertEqual(canvas[0, other].style.role, .text)
        XCTAssertEqual(canvas[canvas.width - 1, other].style.role, .text)
    }

    func testScrollingShowsRangeAndLoadsPagesAhead() async {
        let service = InMemoryMarketplace(count: 12_345)
        var d = UIDriver(service: service, width: 120, height: 30)
        await d.start()
        XCTAssertEqual(d.browse.items.count, 50)
        for _ in 0..<3 { await d.press(.pageDown) }
        // Selected row 70 (1-based) with 23 rows per screen: rows 48–70 shown; two screens ahead needs page three.
        XCTAssertTrue(d.screen.contains("48–70 of 12,345"), d.screen)
        XCTAssertEqual(d.browse.items.count, 150)
        let cursors = await service.queries.map(\.cursor)
        XCTAssertEqual(cursors, [nil, "50", "100"])
    }

    func testSearchIsDebouncedAndStaleResultsAreDropped() async {
        let service = InMemoryMarketplace(listings: [Fixtures.summary(1, title: "Invoice robot"), Fixtures.summary(2, title: "Recipe box"),
                                                     Fixtures.summary(3, title: "Invoice tracker")])
        var d = UIDriver(service: service)
        await d.start()
        await d.press(.char("/"))
        await d.type("inv")
        // Nothing is sent while typing; only the last timer counts.
        XCTAssertEqual(d.paneTimers.count, 3)
        var queries = await service.queries
        XCTAssertEqual(queries.count, 1)
        await d.fireTimers()
        queries = await service.queries
        XCTAssertEqual(queries.count, 2)
        XCTAssertEqual(queries.last?.q, "inv")
        XCTAssertEqual(d.browse.items.map(\.title), ["Invoice robot", "Invoice tracker"])
        XCTAssertTrue(d.screen.contains("1–2 of 2"))

        // Two searches in flight: the older answer arrives last and must not win.
        d.holdRequests = true
        await d.type(" t")
        await d.fireTimers()
        await d.press(.ctrl("u"))
        await d.type("rec")
        await d.fireTimers()
        XCTAssertEqual(d.heldPaneRequests.count, 2)
        let (newerID, newer) = d.heldPaneRequests[1]
        let (olderID, older) = d.heldPaneRequests[0]
        await d.answer(newerID, newer)
        await d.answer(olderID, older)
        XCTAssertEqual(d.browse.items.map(\.title), ["Recipe box"])
    }

    func testHelpShowsEveryKeyWhole() async {
        var d = UIDriver(service: InMemoryMarketplace(count: 3), width: 100, height: 40)
        await d.start()
        await d.press(.char("?"))
        XCTAssertTrue(d.screen.contains("PgDn/Ctrl-F/Space"), "the longest key is not cut: \(d.screen)")
        XCTAssertTrue(d.screen.contains("Q/Ctrl-C"), d.screen)
    }

    func testListingsTheBuyerOwnsAreMarkedInBrowseAndDetail() async {
        let service = InMemoryMarketplace(count: 5)
        let first = await service.catalog[0]
        var order = CheckoutFixtures.order(.inReview)
        order.listingSlug = first.slug
        await service.setBought([order])
        var d = UIDriver(service: service)
        await d.start()
        XCTAssertEqual(d.browse.ownedSlugs, [first.slug])
        XCTAssertTrue(d.screen.contains("✓ " + first.title.prefix(20)), d.screen)
        let row = d.browse.items.firstIndex { $0.slug == first.slug }!
        for _ in 0..<row { await d.press(.down) }
        await d.press(.enter)
        XCTAssertTrue(d.screen.contains("You own this business"), d.screen)
        await d.press(.char("b"))
        XCTAssertEqual(d.state.topPane.kind, .listingDetail, "b does not start a second purchase")
        XCTAssertTrue(d.screen.contains("you already own this business"), d.screen)
    }

    func testCategoryPickerAndTypedPriceRangeFilterAndClear() async {
        let service = InMemoryMarketplace(count: 40)
        var d = UIDriver(service: service)
        await d.start()
        await d.press(.char("c"))
        XCTAssertTrue(d.screen.contains("All categories"), d.screen)
        XCTAssertTrue(d.screen.contains("Developer tools"), "the picker lists categories with counts: \(d.screen)")
        await d.press(.down, .enter)
        XCTAssertEqual(d.browse.category, "Developer tools")
        XCTAssertTrue(d.browse.items.allSatisfy { $0.category == "Developer tools" })
        XCTAssertTrue(d.screen.contains("category: Developer tools"))
        await d.press(.char("s"))
        XCTAssertEqual(d.browse.sort, .priceAsc)
        // A price range typed in dollars, with a suffix.
        await d.press(.char("p"))
        XCTAssertTrue(d.screen.contains("Price range (dollars)"), d.screen)
        await d.type("abc")
        await d.press(.enter)
        XCTAssertTrue(d.screen.contains("Type dollars"), "a bad amount is refused in place: \(d.screen)")
        await d.press(.backspace, .backspace, .backspace)
        await d.type("1")
        await d.press(.tab)
        await d.type("2.5k")
        await d.press(.enter)
        XCTAssertNil(d.browse.overlay)
        let last = await service.queries.last
        XCTAssertEqual(last?.minPrice, 100)
        XCTAssertEqual(last?.maxPrice, 250_000)
        XCTAssertEqual(last?.sort, .priceAsc)
        XCTAssertTrue(d.screen.contains("price: $1–$2,500") || d.screen.contains("price: $1"), d.screen)
        await d.press(.char("x"))
        XCTAssertNil(d.browse.category)
        XCTAssertNil(d.browse.minPrice)
        XCTAssertEqual(d.browse.items.count, 40)
        // Esc closes a picker without choosing.
        await d.press(.char("c"), .down, .escape)
        XCTAssertNil(d.browse.overlay)
        XCTAssertNil(d.browse.category)
        XCTAssertFalse(d.quit)
    }

    /// `S` turns the sort around through the platform (`reverse`), the filter row says which way the rows run, the
    /// footer and help name the key, and a new sort (`s`) or clearing the filters (`x`) goes forward again.
    func testShiftSReversesTheSortAndTheIndicatorShowsTheDirection() async {
        let service = InMemoryMarketplace(count: 30)
        var d = UIDriver(service: service, width: 120, height: 30)
        await d.start()
        let newestFirst = d.browse.items.map(\.slug)
        XCTAssertTrue(d.screen.contains("sort: newest"), d.screen)
        XCTAssertTrue(d.screen.contains("S reverse"), "the footer names the key:\n\(d.screen)")
        await d.press(.char("S"))
        XCTAssertTrue(d.browse.reversed)
        let reversedQuery = await service.queries.last
        XCTAssertEqual(reversedQuery?.reverse, true)
        XCTAssertEqual(reversedQuery?.sort, .newest)
        XCTAssertEqual(d.browse.items.map(\.slug), Array(newestFirst.reversed()))
        XCTAssertTrue(d.screen.contains("sort: oldest"), d.screen)
        XCTAssertTrue(d.screen.contains("S reverse"), "S toggles back:\n\(d.screen)")
        XCTAssertTrue(d.screen.contains("x clear filters"), "a reversed sort is a filter x clears:\n\(d.screen)")
        // Through a search too: relevance reversed.
        await d.press(.char("/"))
        await d.type("Business")
        await d.press(.enter)
        XCTAssertTrue(d.screen.contains("sort: least relevant"), d.screen)
        let searched = await service.queries.last
        XCTAssertEqual(searched?.sort, .relevance)
        XCTAssertEqual(searched?.reverse, true)
        await d.press(.escape)
        // `S` again: forward.
        await d.press(.char("S"))
        XCTAssertFalse(d.browse.reversed)
        XCTAssertEqual(d.browse.items.map(\.slug), newestFirst)
        // A new sort starts forward; its reversal shows the other arrow.
        await d.press(.char("s"), .char("S"))
        XCTAssertEqual(d.browse.sort, .priceAsc)
        XCTAssertTrue(d.screen.contains("sort: price ↓"), d.screen)
        await d.press(.char("s"))
        XCTAssertFalse(d.browse.reversed)
        XCTAssertTrue(d.screen.contains("sort: price ↓"), "price_desc forward:\n\(d.screen)")
        await d.press(.char("S"), .char("x"))
        XCTAssertFalse(d.browse.reversed)
        XCTAssertEqual(d.browse.sort, .newest)
        // The help lists it.
        await d.press(.char("?"))
        XCTAssertTrue(d.screen.contains("reverse"), d.screen)
        XCTAssertFalse(d.quit)
    }

    func testErrorStateOffersRetry() async {
        let service = InMemoryMarketplace(count: 5)
        await service.setFailNext(ServiceFailure(message: "platform on fire", code: "internal_error"))
        var d = UIDriver(service: service)
        await d.start()
        XCTAssertTrue(d.screen.contains("Could not load listings: platform on fire"), d.screen)
        XCTAssertTrue(d.screen.contains("r reload"))
        await d.press(.char("r"))
        XCTAssertEqual(d.browse.items.count, 5)
        XCTAssertFalse(d.screen.contains("Could not load"))
    }

    func testConnectionFailureShowsOfflineInHeader() async {
        let service = InMemoryMarketplace(count: 5)
        await service.setFailNext(ServiceFailure(message: "connection refused", isConnectionFailure: true))
        var d = UIDriver(service: service)
        await d.start()
        XCTAssertTrue(d.screen.contains("offline"), d.screen)
    }

    func testEmptyCatalogAndLoadingStates() async {
        var d = UIDriver(service: InMemoryMarketplace(count: 0))
        d.holdRequests = true
        await d.start()
        XCTAssertTrue(d.screen.contains("Loading listings…"), d.screen)
        for (id, request) in d.heldRequests { await d.answer(id, request) }
        XCTAssertTrue(d.screen.contains("No listings yet."), d.screen)
    }

    func testHostileTitlesNeverReachTheScreenAsControls() async {
        let hostile = [
            Fixtures.summary(1, title: "Nice\u{1B}[2J\u{1B}]0;owned\u{07} shop"),
            Fixtures.summary(2, title: "Safe\rEVIL OVERWRITE"),
            Fixtures.summary(3, title: "abc\u{202E}gnp.exe\u{202C}"),
            Fixtures.summary(4, title: String(repeating: "W", count: 10_000)),
            Fixtures.summary(5, title: "日本語のビジネス 👍🏽❤️ café"),
        ]
        var d = UIDriver(service: InMemoryMarketplace(listings: hostile), width: 100, height: 20)
        await d.start()
        let canvas = AppRenderer.render(d.state)
        for cell in canvas.cells {
            XCTAssertFalse(cell.grapheme.unicodeScalars.contains { TextSanitizer.isUnsafe($0.value) }, "unsafe scalar in \(cell)")
        }
        let screen = canvas.text
        XCTAssertTrue(screen.contains("Nice shop"))
        XCTAssertTrue(screen.contains("Safe EVIL OVERWRITE"))
        XCTAssertTrue(screen.contains("abcgnp.exe"))
        XCTAssertTrue(screen.contains("WWWW…"))
        // Drawn as every terminal measures it: the tone and the emoji presentation selector are not sent (TerminalGlyph).
        XCTAssertTrue(screen.contains("日本語のビジネス 👍\u{2764} café"))
        for y in 0..<canvas.height {
            XCTAssertEqual((0..<canvas.width).reduce(0) { $0 + Int(canvas[$1, y].width) }, 100)
        }
    }

    func testTinyTerminalShowsTooSmallMessage() async {
        var d = UIDriver(service: InMemoryMarketplace(count: 10), width: 20, height: 5)
        await d.start()
        XCTAssertTrue(d.screen.contains("Terminal too"), d.screen)
        XCTAssertTrue(d.screen.contains("small"))
        await d.press(.down, .enter, .char("?"))
        await d.send(.resize(width: 1, height: 1))
        _ = d.screen
        await d.send(.resize(width: 0, height: 0))
        _ = d.screen
        await d.send(.resize(width: 120, height: 30))
        XCTAssertFalse(d.screen.contains("Terminal too small"))
    }

    func testBenchmarkRenderDrawsOnlyVisibleRows() {
        let state = TUIBenchmarks.browseState(listingCount: 100_000, width: 200, height: 60)
        let screen = AppRenderer.render(state).text
        XCTAssertTrue(screen.contains("1–53 of 100,000"), screen)
        XCTAssertTrue(screen.contains("Listing 0 "))
        XCTAssertFalse(screen.contains("Listing 99999 "))
    }
}

/// Scrolling far holds only the pages near the selection; pages dropped on the way are fetched again on the way back.
final class BrowsePanePageDroppingTests: XCTestCase {
    func testScrollingFarDownHoldsABoundedNumberOfPages() async {
        var d = UIDriver(service: InMemoryMarketplace(count: 12_345), width: 120, height: 30)
        await d.start()
        for _ in 0..<100 { await d.press(.pageDown) }
        // 23 rows a screen: the selection is row 2,300 (0-based; 2,301st), the last one on screen.
        XCTAssertTrue(d.screen.contains("2,279–2,301 of 12,345"), d.screen)
        XCTAssertTrue(d.screen.contains("Business number 2300"), d.screen)
        XCTAssertLessThanOrEqual(d.browse.items.count, BrowsePane.keptPages * BrowsePane.pageSize)
        XCTAssertGreaterThan(d.browse.firstRow, 0)
        XCTAssertEqual(d.browse.items.first?.title, "Business number \(d.browse.firstRow)")
    }

    func testScrollingBackUpFetchesDroppedPagesWithTheirCursorsAndKeepsRowsInPlace() async {
        let service = InMemoryMarketplace(count: 12_345)
        var d = UIDriver(service: service, width: 120, height: 30)
        await d.start()
        for _ in 0..<100 { await d.press(.pageDown) }
        let before = await service.queries.count
        for _ in 0..<100 { await d.press(.pageUp) }
        XCTAssertTrue(d.screen.contains("1–23 of 12,345"), d.screen)
        XCTAssertTrue(d.screen.contains("Business number 0"), d.screen)
        XCTAssertEqual(d.browse.firstRow, 0)
        XCTAssertEqual(d.browse.items.first?.title, "Business number 0")
        XCTAssertLessThanOrEqual(d.browse.items.count, BrowsePane.keptPages * BrowsePane.pageSize)
        // Held rows are the listings at their own positions, all the way through.
        for (i, item) in d.browse.items.enumerated() { XCTAssertEqual(item.title, "Business number \(i)") }
        // Going back fetched earlier pages again by the cursors they were first fetched with, down to the first page.
        let back = await service.queries.dropFirst(before).map(\.cursor)
        XCTAssertEqual(back.last, .some(nil))
        XCTAssertTrue(back.contains("50"), "\(back)")
        // And going down again works from the pages held.
        for _ in 0..<20 { await d.press(.pageDown) }
        XCTAssertTrue(d.screen.contains("439–461 of 12,345"), d.screen)
        XCTAssertTrue(d.screen.contains("Business number 460"), d.screen)
    }

    func testFirstFromFarDownStartsTheResultsAgain() async {
        var d = UIDriver(service: InMemoryMarketplace(count: 12_345), width: 120, height: 30)
        await d.start()
        for _ in 0..<100 { await d.press(.pageDown) }
        await d.press(.char("g"))
        XCTAssertEqual(d.browse.firstRow, 0)
        XCTAssertEqual(d.browse.table.selected, 0)
        XCTAssertTrue(d.screen.contains("1–23 of 12,345"), d.screen)
        XCTAssertTrue(d.screen.contains("Business number 0"), d.screen)
    }
}
