import Foundation
import XCTest

/// Watchlist and notifications as people meet them: two terminals on one sandbox, a seller working from the
/// command line.
final class MarketJourneyTests: XCTestCase {
    /// The demo account watches a listing in one terminal; its seller lowers the price from the CLI; the unread
    /// count reaches the header of another terminal on the same account at once (the notifications stream, not a
    /// poll), and the Notifications pane opens the listing.
    func testAWatchedListingsPriceDropReachesASecondTerminalsHeader() throws {
        let first = try TmuxSession(command: [BuiltBinary.path])
        try first.waitUntil(timeout: 240, description: "the browse pane with listings") {
            $0.contains("sandbox") && $0.range(of: #"1–\d+ of \d+"#, options: .regularExpression) != nil
        }
        let home = first.home
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: home.appendingPathComponent("data/techflunky/daemon.json"))) as? [String: Any]
        let api = try XCTUnwrap(state?["apiURL"] as? String)

        // A seller of their own, from the command line (a config home apart from the UI's).
        let sellerConfig = home.appendingPathComponent("seller-config")
        func seller(_ arguments: String, stdin: String? = nil) throws -> String {
            let command = (stdin.map { "printf '%s\\n' \(TmuxSession.shellQuote($0)) | " } ?? "")
                + "env HOME=\(TmuxSession.shellQuote(home.path)) XDG_CONFIG_HOME=\(TmuxSession.shellQuote(sellerConfig.path)) "
                + "XDG_DATA_HOME=\(TmuxSession.shellQuote(home.appendingPathComponent("seller-data").path)) "
                + "\(TmuxSession.shellQuote(BuiltBinary.path)) \(arguments) --api \(TmuxSession.shellQuote(api)) 2>&1; echo \"[exit $?]\""
            return try TmuxSession.run(["sh", "-c", command])
        }
        let signup = try seller("signup --email pat@e2e.example --name 'Pat Seller' --password-stdin", stdin: "a long enough password")
        XCTAssertTrue(signup.contains("[exit 0]"), signup)
        // A listing goes live once its seller can be paid: onboarding, the stand-in's hosted form submitted as a
        // person would (a POST to the link `seller onboard` prints), then the platform hears of it.
        let onboard = try seller("seller onboard")
        let link = try XCTUnwrap(onboard.range(of: #"https?://[^\s]+/connect/onboarding/[A-Za-z0-9_-]+"#, options: .regularExpression)
            .map { String(onboard[$0]) }, onboard)
        let submitted = try TmuxSession.run(["python3", "-c", "import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], method='POST'), timeout=30); print('[submitted]')", link])
        XCTAssertTrue(submitted.contains("[submitted]"), submitted)
        var status = ""
        for _ in 0..<100 where !status.contains("Onboarding complete") {
            status = try seller("seller status")
            if !status.contains("Onboarding complete") { usleep(100_000) }
        }
        XCTAssertTrue(status.contains("Onboarding complete"), status)

        // Their package: a copy of a demo package under a slug of its own.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let package = home.appendingPathComponent("pat-shop")
        try FileManager.default.copyItem(at: root.appendingPathComponent("Sources/TechFlunkyDemoCatalog/DemoCatalog/quotecraft"), to: package)
        let manifestURL = package.appendingPathComponent("techflunky.json")
        var manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as? [String: Any])
        manifest["slug"] = "pat-shop"
        manifest["id"] = "pkg_pat_shop"
        try JSONSerialization.data(withJSONObject: manifest).write(to: manifestURL)
        func writeListing(price: Int) throws {
            let url = package.appendingPathComponent("listing.json")
            var listing = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
            listing["title"] = "Patshop Proposals"
            listing["askingPrice"] = ["amount": price, "currency": "USD"]
            listing["seller"] = nil
            try JSONSerialization.data(withJSONObject: listing).write(to: url)
        }
        try writeListing(price: 5_000_000)
        let published = try seller("package publish \(TmuxSession.shellQuote(package.path))")
        XCTAssertTrue(published.contains("[exit 0]"), published)

        // The second terminal, small: find it and watch it.
        let second = try TmuxSession(command: [BuiltBinary.path], width: 80, height: 24, home: home)
        try second.waitUntil(timeout: 60, description: "the second terminal's browse pane") { $0.range(of: #"of \d+"#, options: .regularExpression) != nil }
        try second.send("/")
        try second.type("patshop")
        try second.waitUntil(timeout: 20, description: "the search narrowed to the new listing") { $0.contains("Patshop") && $0.contains("of 1") }
        try second.send("Enter")
        try second.send("w")
        try second.waitFor("★ Patshop")
        // The demo account may have notices already (the demo world's payout released): count from here.
        func unread(_ screen: String) -> Int {
            guard let match = screen.range(of: #"✉ \d+ unread"#, options: .regularExpression) else { return 0 }
            return Int(screen[match].dropFirst(2).prefix { $0.isNumber }) ?? 0
        }
        let before = unread(try second.screen())

        // The seller lowers the price; both terminals of the watcher hear of it.
        try writeListing(price: 4_500_000)
        let updated = try seller("package publish --update \(TmuxSession.shellQuote(package.path))")
        XCTAssertTrue(updated.contains("[exit 0]"), updated)
        let header = try second.waitUntil(timeout: 5, description: "the price drop in the second terminal's header and status line") {
            unread($0) > before && $0.contains("Price drop: Patshop")
        }
        XCTAssertTrue(header.split(separator: "\n").first?.contains("✉ \(before + 1) unread") ?? false, header)
        try first.waitUntil(timeout: 5, description: "the first terminal's count") { unread($0) == before + 1 }

        // The Notifications pane: the drop on top, unread; Enter opens the listing and marks it read.
        try second.send("N")
        let pane = try second.waitFor("Notifications (\(before + 1) unread)")
        let row = try XCTUnwrap(pane.split(separator: "\n").first { $0.contains("Patshop") }, pane)
        XCTAssertTrue(row.contains("●") && row.contains("$50,000 → $45,000"), pane)
        try second.send("Enter")
        let detail = try second.waitFor("Asking price")
        XCTAssertTrue(detail.contains("Patshop") && detail.contains("$45,000"), detail)
        try second.send("Escape")
        try second.waitFor("Notifications (\(before) unread)")
        try first.waitUntil(timeout: 5, description: "the first terminal's count back down") { unread($0) == before }
    }
}
