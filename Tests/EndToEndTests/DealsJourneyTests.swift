import Foundation
import TechFlunkyCore
import XCTest

/// Offers and questions between two people on one sandbox: the demo founder (the seller) in the terminal UI, a buyer
/// (and a second buyer) with the scripting commands, as two people at two terminals would.
final class DealsJourneyTests: XCTestCase {
    /// A person of their own: the sandbox's data (and daemon) shared, a config directory (and session) of their own.
    struct Person {
        let home: URL
        let config: URL

        func run(_ arguments: [String], stdin: String? = nil) throws -> String {
            let env = ["HOME=\(home.path)", "XDG_DATA_HOME=\(home.appendingPathComponent("data").path)", "XDG_CONFIG_HOME=\(config.path)",
                       "TECHFLUNKY_SANDBOX_PACE=instant"]
            let command = (["env"] + env + [BuiltBinary.path] + arguments).map(TmuxSession.shellQuote).joined(separator: " ")
            let script = stdin.map { "printf '%s\\n' \(TmuxSession.shellQuote($0)) | \(command)" } ?? command
            return try TmuxSession.run(["sh", "-c", script + "; echo \"[exit $?]\""])
        }
    }

    func person(_ name: String, email: String, home: URL, api: String) throws -> Person {
        let someone = Person(home: home, config: home.appendingPathComponent("config-\(name)"))
        try FileManager.default.createDirectory(at: someone.config, withIntermediateDirectories: true)
        let out = try someone.run(["signup", "--api", api, "--email", email, "--name", name, "--password-stdin"], stdin: "a long password, \(name)")
        XCTAssertTrue(out.contains("[exit 0]"), out)
        return someone
    }

    /// The JSON document on the last line before the exit line (`--json` output in a pipe is one compact line per document
    /// where a command prints several).
    func json<T: Decodable>(_ type: T.Type, _ output: String, file: StaticString = #filePath, line: UInt = #line) throws -> T {
        XCTAssertTrue(output.contains("[exit 0]"), output, file: file, line: line)
        let body = output.components(separatedBy: "[exit ")[0]
        if let whole = try? WireJSON.decode(T.self, from: Data(body.utf8)) { return whole }
        let last = body.split(separator: "\n").last { $0.hasPrefix("{") }.map(String.init) ?? ""
        return try WireJSON.decode(T.self, from: Data(last.utf8))
    }

    func testOfferCounterAcceptCheckoutAtTheAgreedPriceAndAPublishedAnswerShowsToAnotherBuyer() throws {
        let ui = try TmuxSession(command: [BuiltBinary.path], width: 120, height: 40)
        try ui.waitUntil(timeout: 240, description: "the browse pane with listings") { $0.contains("sandbox") && $0.range(of: #"1–\d+ of \d+"#, options: .regularExpression) != nil }
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: ui.home.appendingPathComponent("data/techflunky/daemon.json"))) as? [String: Any]
        let api = try XCTUnwrap(state?["apiURL"] as? String)
        let bea = try person("Bea", email: "bea@example.com", home: ui.home, api: api)
        let cy = try person("Cy", email: "cy@example.com", home: ui.home, api: api)

        // A listing the demo founder (the UI's account) sells.
        let page = try json(ListingPage.self, try bea.run(["listings", "--api", api, "--json", "--limit", "100"]))
        let listing = try XCTUnwrap(page.items.first { $0.seller.displayName == "Demo Founder" }, "the demo founder sells a listing")
        let asking = listing.askingPrice.minorUnits
        let offered = asking / 100 / 1_000 * 6 / 10 * 1_000, countered = asking / 100 / 1_000 * 8 / 10 * 1_000  // whole dollars
        XCTAssertGreaterThan(offered, 0)

        // Bea offers 60 % of the price.
        let made = try json(Offer.self, try bea.run(["offer", listing.slug, "--amount", "\(offered)", "--expires", "3d", "--api", api, "--json"]))
        XCTAssertEqual(made.amount, .usd(offered * 100))
        let above = try bea.run(["offer", listing.slug, "--amount", "\(asking / 100)", "--api", api])
        XCTAssertTrue(above.contains("below the asking price") && above.contains("[exit 1]"), above)

        // The seller counters in the Inbox at 80 %.
        try ui.send("4")
        try ui.waitUntil(timeout: 20, description: "the offer waiting in the Inbox") { $0.contains("your answer") && $0.contains("Bea") }
        try ui.send("c")
        try ui.waitFor("Enter sends")
        try ui.type("\(countered)")
        try ui.send("Enter")
        try ui.waitFor("Countered with \(Money.usd(countered * 100).formatted)")
        let thread = try ui.waitFor("You offered \(Money.usd(countered * 100).formatted)")
        XCTAssertTrue(thread.contains("Buyer Bea offered \(Money.usd(offered * 100).formatted) · countered"), thread)

        // Bea accepts the counter and buys at the agreed price; the sandbox pays with the test card.
        let offers = try json(OffersResponse.self, try bea.run(["offers", "--api", api, "--json"]))
        let counter = try XCTUnwrap(offers.offers.first { $0.from == .seller && $0.state == .open })
        XCTAssertEqual(counter.amount, .usd(countered * 100))
        let accepted = try bea.run(["offer", "accept", counter.id, "--api", api])
        XCTAssertTrue(accepted.contains("techflunky buy \(listing.slug) --offer \(counter.id)"), accepted)
        let bought = try bea.run(["buy", listing.slug, "--offer", counter.id, "--pay-with-test-card", "--api", api, "--json"])
        let order = try json(Order.self, bought)
        XCTAssertEqual(order.state, .inReview, bought)
        XCTAssertEqual(order.amount, .usd(countered * 100))
        XCTAssertEqual(order.platformFee, .usd(countered * 15))
        XCTAssertEqual(order.sellerShare, .usd(countered * 85))
        XCTAssertEqual(try XCTUnwrap(order.holdUntil).timeIntervalSince(try XCTUnwrap(order.paidAt)), 3 * 86_400)
        let ordersText = try bea.run(["orders", "--api", api])
        XCTAssertTrue(ordersText.contains(Money.usd(countered * 100).formatted), ordersText)

        // The seller's payouts show the sale at the agreed price, its fee and the 3-day hold.
        try ui.send("3")
        let payouts = try ui.waitUntil(timeout: 20, description: "the sale in payouts") { $0.contains(Money.usd(countered * 85).formatted) }
        let row = try XCTUnwrap(payouts.split(separator: "\n").first { $0.contains(Money.usd(countered * 85).formatted) })
        XCTAssertTrue(row.contains(Money.usd(countered * 100).formatted) && row.contains(Money.usd(countered * 15).formatted), String(row))
        XCTAssertTrue(row.contains("in review") && (row.contains("3d 00h") || row.contains("2d 23h")), String(row))

        // A question: Bea asks about another of the founder's listings (the one she bought is sold: no more questions
        // about it), the seller answers in the Inbox; Cy sees it only once it is published.
        let askedAbout = try XCTUnwrap(page.items.first { $0.seller.displayName == "Demo Founder" && $0.slug != listing.slug },
                                   "the demo founder sells a second listing")
        let asked = try bea.run(["ask", askedAbout.slug, "Is churn below 3 % a month?", "--api", api])
        XCTAssertTrue(asked.contains("[exit 0]"), asked)
        try ui.send("4")
        try ui.send("Tab")
        try ui.waitUntil(timeout: 20, description: "the question in the Inbox") { $0.contains("Is churn below 3 %") && $0.contains("awaiting answer") }
        try ui.send("a")
        try ui.waitFor("Enter send answer")
        try ui.type("Churn has been 2.1 % a month for a year.")
        try ui.send("Enter")
        try ui.waitFor("Press p to publish")
        let before = try cy.run(["questions", askedAbout.slug, "--api", api])
        XCTAssertFalse(before.contains("2.1 %"), "answered but not published: private\n\(before)")
        XCTAssertTrue(try bea.run(["questions", "--api", api]).contains("Churn has been 2.1 % a month"), "the asker sees the answer")
        try ui.send("p")
        try ui.waitFor("Published: every buyer sees it")
        let after = try cy.run(["questions", askedAbout.slug, "--api", api])
        XCTAssertTrue(after.contains("Q: Is churn below 3 % a month?") && after.contains("A: Churn has been 2.1 % a month for a year."), after)

        // At 80×24 the Inbox still shows both lists' essentials.
        try ui.resize(width: 80, height: 24)
        try ui.send("Tab")
        // "Offers (" shows on both lists' tab row: wait for the offers list itself.
        let narrow = try ui.waitUntil(timeout: 20, description: "the offers list at 80×24") { $0.contains("Offers (") && $0.contains("accepted") }
        XCTAssertTrue(narrow.contains("Offers (1)"), narrow)
    }
}
