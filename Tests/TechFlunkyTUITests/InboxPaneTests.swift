import Foundation
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyText
import XCTest
@testable import TechFlunkyTUI

/// The Inbox: offers (latest of each thread, the thread below), questions, the counter and answer prompts, what each
/// key does and why it is disabled, and hostile text from other people.
final class InboxPaneTests: XCTestCase {
    typealias F = CheckoutFixtures

    static func offer(_ id: String, thread: String, amount: Int64, from: OfferParty, state: OfferState, role: OfferParty,
                      title: String = "Seedling Supply — heirloom seed shop", minutes: Double = 0, message: String? = nil,
                      buyer: String = "Bea Buyer") -> Offer {
        Offer(id: id, threadId: thread, listingSlug: "seedling-supply", listingTitle: title, askingPrice: .usd(19_000_00),
              buyerName: buyer, sellerName: "Demo Founder", amount: .usd(amount), from: from, state: state, message: message,
              createdAt: F.t0.addingTimeInterval(minutes * 60), expiresAt: F.t0.addingTimeInterval(minutes * 60 + 2 * 86_400),
              yourRole: role)
    }

    /// The seller's side: a countered thread waiting on the buyer, and a fresh offer waiting on the seller.
    static var offers: OffersResponse {
        OffersResponse(offers: [
            offer("off_1", thread: "off_1", amount: 15_000_00, from: .buyer, state: .countered, role: .seller, minutes: -120, message: "Can close this week"),
            offer("off_2", thread: "off_1", amount: 17_000_00, from: .seller, state: .open, role: .seller, minutes: -60),
            offer("off_3", thread: "off_3", amount: 12_000_00, from: .buyer, state: .open, role: .seller, title: "QuoteCraft — proposals that close",
                  minutes: -10, buyer: "Cy"),
        ], now: F.t0)
    }

    static let questions = [
        Question(id: "qst_1", listingSlug: "quotecraft", listingTitle: "QuoteCraft — proposals that close", text: "Is churn below 3%?",
                 askedAt: F.t0, askedByYou: false, yourListing: true),
        Question(id: "qst_2", listingSlug: "venuefinder", listingTitle: "VenueFinder", text: "Who are the customers?", askedAt: F.t0,
                 answer: "Event planners.", answeredAt: F.t0, published: true, publishedAt: F.t0, askedByYou: true, yourListing: false),
    ]

    static func respond(_ request: ServiceRequest) -> Result<ServiceResponse, ServiceFailure>? {
        switch request {
        case .offers: .success(.offers(offers))
        case .questions: .success(.questions(questions))
        case .answerOffer: .success(.offer(offers.offers[2]))
        case .answerQuestion: .success(.question(questions[0]))
        default: nil
        }
    }

    func loaded(width: Int = 100, height: Int = 24) -> DrivenPane<InboxPane> {
        var p = DrivenPane(InboxPane(), width: width, height: height)
        p.answer(Self.respond)
        return p
    }

    func testOffersShowTheLatestOfEachThreadNewestFirstWithTheThreadBelow() {
        let p = loaded()
        XCTAssertEqual(p.pane.offerRows.map(\.id), ["off_3", "off_2"])
        let screen = F.render(p.pane, width: 100, height: 20)
        XCTAssertTrue(screen.contains("Offers (2 · 1 for you)"), screen)
        XCTAssertTrue(screen.contains("Questions (2 · 1 to answer)"), screen)
        XCTAssertTrue(screen.contains("your answer"), screen)
        XCTAssertTrue(screen.contains("1d 23h 50m"), "expiry counted on the platform's clock:\n\(screen)")
        // The selected thread (the newest, off_3) below the table; moving down shows the other thread's history.
        XCTAssertTrue(screen.contains("Cy offered $12,000.00 · open"), screen)
        var moved = p
        moved.press(.down)
        let thread = F.render(moved.pane, width: 100, height: 20)
        XCTAssertTrue(thread.contains("Buyer Bea Buyer offered $15,000.00 · countered"), thread)
        XCTAssertTrue(thread.contains("You offered $17,000.00 · open"), thread)
        XCTAssertTrue(thread.contains("“Can close this week”"), thread)
    }

    func testCounterChecksTheAmountBeforeSendingAndKeepsTheTextOnARefusal() {
        var p = loaded()
        p.press(.char("c"))
        XCTAssertTrue(p.pane.capturesText)
        p.type("20k")
        p.press(.enter)
        XCTAssertTrue(p.open.isEmpty, "above the asking price: not sent")
        XCTAssertEqual(p.pane.prompt?.problem, "an offer must be below the asking price of $19,000.00")
        for _ in 0..<3 { p.press(.backspace) }
        p.type("lots")
        p.press(.enter)
        XCTAssertEqual(p.pane.prompt?.problem, "Type an amount in dollars, like 45k or 44,500.")
        for _ in 0..<4 { p.press(.backspace) }
        p.type("16.5k")
        p.press(.enter)
        XCTAssertEqual(p.open.map(\.1), [.counterOffer(id: "off_3", CounterOfferRequest(amount: .usd(16_500_00)))])
        // The platform refuses (it expired meanwhile): the typed amount stays with the reason.
        p.answer { request in
            if case .counterOffer = request { return .failure(ServiceFailure(message: "this offer expired unanswered; make a new one", code: APIErrorCode.offerExpired)) }
            return Self.respond(request)
        }
        XCTAssertEqual(p.pane.prompt?.input.text, "16.5k")
        XCTAssertEqual(p.pane.prompt?.problem, "this offer expired unanswered; make a new one")
        p.press(.escape)
        XCTAssertNil(p.pane.prompt)
    }

    func testAcceptAndDeclineAreTheOtherSidesAndOnlyAnAcceptedOfferIsBought() {
        var p = loaded()
        p.press(.char("a"))
        XCTAssertEqual(p.open.last?.1, .answerOffer(id: "off_3", .accept))
        p.answer(Self.respond)
        p.press(.down)  // off_2: the seller's own counter, waiting on the buyer
        var ctx = p.ctx
        var pane = p.pane
        let refused = pane.handleBoundKey(.char("a"), &ctx)
        guard case let .status(message)? = refused?.first else { return XCTFail("a is disabled with a reason") }
        XCTAssertEqual(message.text, "this offer is yours: the other side answers it")
        let buy = pane.handleBoundKey(.enter, &ctx)
        guard case .status? = buy?.first else { return XCTFail("Enter buys only an accepted offer of the buyer's") }

        // The buyer's side: the seller accepted, Enter opens checkout at the agreed price.
        let agreed = Self.offer("off_9", thread: "off_9", amount: 17_000_00, from: .seller, state: .accepted, role: .buyer)
        var buyer = DrivenPane(InboxPane(), width: 100, height: 24)
        buyer.answer { request in
            if case .offers = request { return .success(.offers(OffersResponse(offers: [agreed], now: F.t0))) }
            return Self.respond(request)
        }
        XCTAssertTrue(F.render(buyer.pane, width: 100, height: 20).contains("accepted · buy"))
        var bctx = buyer.ctx
        var bpane = buyer.pane
        guard case let .push(next)? = bpane.handleBoundKey(.enter, &bctx)?.first, var checkout = next as? CheckoutPane else {
            return XCTFail("Enter opens the checkout")
        }
        XCTAssertEqual(checkout.price, .usd(17_000_00))
        XCTAssertEqual(checkout.offerId, "off_9")
        let lines = checkout.lines(width: 80, now: F.t0, frame: 0).map { $0.spans.map(\.text).joined() }
        XCTAssertTrue(lines.contains { $0.contains("Platform fee 15 %") && $0.contains("$2,550.00") }, "\(lines)")
        XCTAssertTrue(lines.contains { $0.contains("At the price agreed in offer off_9.") }, "\(lines)")
        let create = F.requests(checkout.perform(.confirm, &bctx))
        guard case let .createOfferCheckoutSession(slug, offerId, key)? = create.first?.1 else { return XCTFail("\(create)") }
        XCTAssertEqual([slug, offerId], ["seedling-supply", "off_9"])
        XCTAssertEqual(key, checkout.idempotencyKey)
    }

    func testQuestionsAreAnsweredAndPublishedByTheSeller() {
        var p = loaded()
        p.press(.tab)
        XCTAssertEqual(p.pane.section, .questions)
        p.answer(Self.respond)
        let screen = F.render(p.pane, width: 100, height: 20)
        XCTAssertTrue(screen.contains("awaiting answer"), screen)
        XCTAssertTrue(screen.contains("Q: Is churn below 3%?"), screen)
        p.press(.char("a"))
        p.type("2.1 % a month")
        p.press(.enter)
        XCTAssertEqual(p.open.last?.1, .answerQuestion(id: "qst_1", answer: "2.1 % a month", publish: nil))
        p.answer(Self.respond)
        XCTAssertNil(p.pane.prompt)
        p.press(.down)  // a question the caller asked: only the seller answers or publishes
        var ctx = p.ctx
        var pane = p.pane
        guard case let .status(message)? = pane.handleBoundKey(.char("p"), &ctx)?.first else { return XCTFail("p is disabled") }
        XCTAssertEqual(message.text, "only the listing's seller publishes")
    }

    func testHostileTextFromOtherPeopleNeverReachesTheCanvas() throws {
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        struct Entry: Decodable { var name: String; var text: String }
        let entries = try JSONDecoder().decode([Entry].self, from: Data(contentsOf: tests.appendingPathComponent("Fixtures/hostile-text.json")))
        XCTAssertGreaterThan(entries.count, 20)
        for entry in entries {
            let offers = OffersResponse(offers: [Self.offer("off_1", thread: "off_1", amount: 100, from: .buyer, state: .open, role: .seller,
                                                            title: entry.text, message: entry.text, buyer: entry.text)], now: F.t0)
            let questions = [Question(id: "q", listingSlug: "s", listingTitle: entry.text, text: entry.text, askedAt: F.t0, answer: entry.text,
                                      askedByYou: false, yourListing: true)]
            for section in [InboxPane.Section.offers, .questions] {
                let pane = InboxPane(offers: offers, questions: questions, section: section, receivedAt: F.t0)
                var canvas = Canvas(width: 90, height: 20)
                pane.render(into: &canvas, area: canvas.bounds, RenderContext(now: F.t0, environment: UIEnvironment(platformLabel: "test")))
                for y in 0..<canvas.height {
                    for x in 0..<canvas.width {
                        let unsafe = canvas[x, y].grapheme.unicodeScalars.filter { TextSanitizer.isUnsafe($0.value) }
                        XCTAssertEqual(unsafe.map(\.value), [], "\(entry.name) in \(section) at \(x),\(y)")
                    }
                }
            }
        }
    }

    func testGoldenScreens() {
        for (w, h) in [(80, 24), (50, 16)] {
            var offers = loaded(width: w, height: h)
            ScreenGolden.assert(ScreenGolden.screen(offers.pane, tab: .inbox, width: w, height: h), named: "inbox-offers-\(w)x\(h)")
            offers.press(.char("c"))
            offers.type("16k")
            ScreenGolden.assert(ScreenGolden.screen(offers.pane, tab: .inbox, width: w, height: h), named: "inbox-counter-\(w)x\(h)")
            var questions = loaded(width: w, height: h)
            questions.press(.tab)
            questions.answer(Self.respond)
            ScreenGolden.assert(ScreenGolden.screen(questions.pane, tab: .inbox, width: w, height: h), named: "inbox-questions-\(w)x\(h)")
            let empty = InboxPane(offers: OffersResponse(offers: [], now: F.t0), questions: [], receivedAt: F.t0)
            ScreenGolden.assert(ScreenGolden.screen(empty, tab: .inbox, width: w, height: h), named: "inbox-empty-\(w)x\(h)")
        }
    }
}
