import Foundation
import XCTest

/// History, compare and due diligence on the embedded sandbox in a real terminal: four listings side by side at
/// 160×48; the business plan as a preview before purchase and whole for the demo buyer, who also downloads it.
final class DueDiligenceJourneyTests: XCTestCase {
    func testCompareFourAndReadTheBusinessPlanBeforeAndAfterPurchase() throws {
        let ui = try TmuxSession(command: [BuiltBinary.path], width: 160, height: 48)
        try ui.waitUntil(timeout: 240, description: "the browse pane with listings") {
            $0.range(of: #"1–\d+ of \d+"#, options: .regularExpression) != nil
        }
        try ui.waitFor("Rev 12 mo")

        // Compare: m on four rows, a fifth refused, C opens them side by side.
        for _ in 0..<5 {
            try ui.send("m")
            try ui.send("j")
        }
        try ui.waitFor("4 marked (C compare)")
        try ui.send("C")
        let compare = try ui.waitUntil(timeout: 30, description: "four listings compared") {
            $0.contains("Compare 4") && $0.contains("DNS records") && !$0.contains("loading…")
        }
        let titles = compare.split(separator: "\n").first { $0.hasPrefix("                ") && $0.contains("—") } ?? ""
        XCTAssertEqual(titles.components(separatedBy: " — ").count - 1, 4, "four titles side by side:\n\(compare)")
        XCTAssertFalse(compare.contains("more →"), "all four fit at 160 columns:\n\(compare)")
        for row in ["Asking price", "Multiple", "Margin", "Growth 12 mo", "Revenue 12 mo", "Visitors / mo", "Workers", "Seller"] {
            XCTAssertTrue(compare.contains(row), "\(row) missing:\n\(compare)")
        }
        try ui.send("Escape")

        // Before purchase: VenueFinder's business plan is a preview.
        try ui.send("/")
        try ui.type("venuefinder")
        try ui.send("Enter")
        try ui.waitUntil(timeout: 20, description: "VenueFinder alone") { $0.contains("VenueFinder") && $0.contains("1–1 of 1") }
        try ui.send("g")
        try ui.send("Enter")
        try ui.waitFor("History · ")
        try ui.send("v")
        let preview = try ui.waitFor("more lines after purchase")
        XCTAssertTrue(preview.contains("Business plan — VenueFinder"), preview)
        XCTAssertTrue(preview.contains("preview: the first"), preview)
        try ui.send("Escape")
        try ui.send("Escape")
        try ui.send("Escape")

        // After purchase: the demo buyer owns BadgeKit (sold, so no longer in Browse) and reads its plan whole from
        // Orders (`v` on the order).
        try ui.send("2")
        try ui.waitFor("BadgeKit")
        try ui.send("g")
        var whole = ""
        for _ in 0..<3 {
            try ui.send("v")
            whole = try ui.waitUntil(timeout: 20, description: "a business plan, whole") { $0.contains("the whole document") && $0.contains("Business plan — ") }
            if whole.contains("Business plan — BadgeKit") { break }
            // Another order's plan: back to Orders (wait until the viewer is gone), then the next order.
            try ui.send("Escape")
            try ui.waitUntil(timeout: 20, description: "Orders again") { !$0.contains("the whole document") }
            try ui.send("j")
        }
        XCTAssertTrue(whole.contains("Business plan — BadgeKit"), whole)
        XCTAssertFalse(whole.contains("after purchase"), whole)
        try ui.send("Q")
        try ui.waitFor("[exit 0]")

        // And downloads it: 0600 files in the directory named.
        let orders = try TmuxSession.techflunky(["orders", "--json"], home: ui.home)
        let json = try JSONSerialization.jsonObject(with: Data(orders.utf8)) as? [String: Any]
        let order = (json?["orders"] as? [[String: Any]])?.first { ($0["listingSlug"] as? String) == "status-badge" }?["id"] as? String
        let id = try XCTUnwrap(order, orders)
        let directory = ui.home.appendingPathComponent("assets")
        let printed = try TmuxSession.techflunky(["assets", "download", id, "--dir", directory.path], home: ui.home)
        XCTAssertTrue(printed.contains("business-plan.md"), printed)
        let plan = directory.appendingPathComponent("business-plan.md")
        XCTAssertTrue(try String(contentsOf: plan, encoding: .utf8).hasPrefix("# Business plan — BadgeKit"))
        let mode = try FileManager.default.attributesOfItem(atPath: plan.path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
    }
}
