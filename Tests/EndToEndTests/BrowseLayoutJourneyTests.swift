import Foundation
import XCTest

/// Browse on the embedded sandbox in a real terminal at a wide and a narrow size: whole categories, titles as wide as
/// the room allows; and Esc in a search backs out of it without quitting.
final class BrowseLayoutJourneyTests: XCTestCase {
    /// The demo catalog's titles and categories, read from its listing files.
    static func demoCatalog() throws -> (titles: Set<String>, categories: Set<String>) {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/TechFlunkyDemoCatalog/DemoCatalog")
        var titles = Set<String>(), categories = Set<String>()
        for slug in try FileManager.default.contentsOfDirectory(atPath: root.path) {
            let file = root.appendingPathComponent(slug).appendingPathComponent("listing.json")
            guard let data = try? Data(contentsOf: file),
                  let listing = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { continue }
            if let title = listing["title"] as? String { titles.insert(title) }
            if let category = listing["category"] as? String { categories.insert(category) }
        }
        return (titles, categories)
    }

    /// The table's rows: the lines after the header (the line starting with "Title") up to the position line.
    static func tableRows(_ screen: String) -> (header: String, rows: [String]) {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let h = lines.firstIndex(where: { $0.hasPrefix("Title") }) else { return ("", []) }
        let rows = lines[(h + 1)...].prefix { !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.hasPrefix(" 1–") }
        return (lines[h], Array(rows))
    }

    func testWideAndNarrowBrowseShowWholeCategoriesAndEscBacksOutOfASearch() throws {
        let catalog = try Self.demoCatalog()
        XCTAssertGreaterThan(catalog.categories.count, 5)
        let ui = try TmuxSession(command: [BuiltBinary.path], width: 240, height: 70)
        try ui.waitUntil(timeout: 240, description: "the browse pane with listings") {
            $0.range(of: #"1–\d+ of \d+"#, options: .regularExpression) != nil
        }

        // 240×70: every title and every category whole, every column shown.
        var screen = try ui.waitUntil(description: "the wide table") { Self.tableRows($0).rows.count > 30 }
        var (header, rows) = Self.tableRows(screen)
        for column in ["Category", "Price", "Rev/mo", "Profit/mo", "Age", "Multiple", "Listed"] {
            XCTAssertTrue(header.contains(column), "\(column) missing at 240 columns:\n\(header)")
        }
        for row in rows {
            XCTAssertFalse(row.contains("…"), "something cut at 240 columns:\n\(row)")
            XCTAssertTrue(catalog.titles.contains { row.hasPrefix($0) || row.hasPrefix("✓ " + $0) }, "a title not whole:\n\(row)")
            XCTAssertTrue(catalog.categories.contains { row.contains(" " + $0 + " ") }, "a category not whole:\n\(row)")
        }

        // 80×24: categories still whole; the titles get the room the dropped columns left (at least 28 cells).
        try ui.resize(width: 80, height: 24)
        screen = try ui.waitUntil(description: "the table redrawn at 80 columns") {
            let t = Self.tableRows($0)
            return t.rows.count > 5 && !t.header.contains("Multiple") && $0.split(separator: "\n").allSatisfy { $0.count <= 80 }
        }
        (header, rows) = Self.tableRows(screen)
        guard let category = header.range(of: "Category") else { return XCTFail("no Category column at 80 columns:\n\(screen)") }
        XCTAssertGreaterThanOrEqual(header.distance(from: header.startIndex, to: category.lowerBound), 29, header)
        for row in rows {
            XCTAssertTrue(catalog.categories.contains { row.contains(" " + $0 + " ") }, "a category cut at 80 columns:\n\(row)")
        }

        // Esc in a search closes the search (and clears it); the app keeps running.
        // 42: the demo catalog's 48 listings less the 6 the demo world sold (a sold listing leaves Browse).
        try ui.send("/")
        try ui.waitFor("Enter search")
        try ui.type("tea")
        try ui.waitUntil(timeout: 20, description: "the list narrowed to Tea Trove") { $0.contains("Tea Trove") && !$0.contains("of 41") }
        try ui.send("Escape")
        try ui.waitUntil(timeout: 20, description: "the whole catalog again") { $0.contains("of 41") }
        try ui.send("/")
        try ui.type("tax")
        try ui.send("Enter")
        try ui.waitUntil(timeout: 20, description: "the applied search") { !$0.contains("of 41") && $0.contains("TaxTally") }
        try ui.send("Escape")
        screen = try ui.waitUntil(timeout: 20, description: "the search cleared by Esc") { $0.contains("of 41") }
        XCTAssertFalse(screen.contains("[exit"), "Esc quit the app:\n\(screen)")
        try ui.send("Q")
        try ui.waitFor("[exit 0]")
    }
}
