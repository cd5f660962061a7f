import Foundation
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyHTTP
import XCTest
@testable import TechFlunkyTUI
import TechFlunkyText

/// Issue 21: titles with `❤️`, a ZWJ family and a skin tone left old characters on the screen (`❤️L`, a stray letter
/// in another row, `L│` at the pane's edge) because ncurses and the terminal measured them differently from the
/// canvas. The real binary in tmux at 200×60 against `techflunky serve`: listings with such titles are published,
/// searched for, and scrolled past; every captured screen must show each row exactly as the UI draws it, with its
/// columns where the header puts them.
final class EmojiScreenEndToEndTests: XCTestCase {
    static let emojiTitle = "Family 👨‍👩‍👧‍👦 ❤️ Love 👍🏽 — test"
    /// How the UI draws it (TerminalGlyph): no joiner, no presentation selector, no tone.
    static let drawnEmojiTitle = "Family 👨👩👧👦 \u{2764} Love 👍 — test"

    func testEmojiTitlesLeaveNoDebrisWhenSearchedAndScrolledPast() throws {
        guard let binary = TerminalUIEndToEndTests.findBinary() else { throw XCTSkip("build the techflunky product first") }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else { throw XCTSkip("tmux is not installed") }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("tf-emoji-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        let server = try PlatformProcess(binary: binary, dataDir: work.appendingPathComponent("server"), syntheticListings: 0, standIns: true)
        defer { server.stop() }
        let baseURL = try server.waitForPort()
        let token = try blocking { try await PlatformClient(baseURL: baseURL).login(email: "demo@techflunky.dev", password: "techflunky-demo").token }

        // 70 rows that match "zebracorn" (in their descriptions only), more than the table shows at once: emoji rows between plain ones, so scrolling
        // moves each emoji row over text of another length.
        let rows = 70
        try blocking {
            let client = PlatformClient(baseURL: baseURL, token: token)
            // A listing goes live only for a seller who can be paid: finish the demo account's onboarding on the
            // Stripe stand-in (whose origin the onboarding link names), as `techflunky seller onboard` and the form would.
            let seller = try await client.createSellerAccount()
            if !seller.onboardingComplete {
                let link = try XCTUnwrap(seller.onboardingURL.flatMap(URLComponents.init(string:)))
                let standIn = "\(link.scheme ?? "http")://\(link.host ?? "127.0.0.1"):\(link.port ?? 80)"
                let account = try XCTUnwrap(seller.stripeAccountId)
                let done = try await CurlHTTPClient().send(HTTPRequest(method: .POST, url: "\(standIn)/sandbox/accounts/\(account)/complete-onboarding"))
                XCTAssertEqual(done.status, 200)
                let deadline = Date().addingTimeInterval(30)
                while !(try await client.sellerAccount().onboardingComplete) {
                    guard Date() < deadline else { throw OnboardingNeverFinished() }
                    try await Task.sleep(nanoseconds: 50_000_000)
                }
            }
            for n in 0..<rows {
                let title = n.isMultiple(of: 3) ? "Plain row number \(n) — test" : "\(Self.emojiTitle) \(n)"
                _ = try await client.publishListing(try Self.upload(slug: "emoji-e2e-\(n)", title: title))
            }
        }

        let tmux = try TmuxTerminal(command: [binary.path, "--api", baseURL], width: 200, height: 60, environment: [
            "TECHFLUNKY_TOKEN": token, "HOME": work.path, "XDG_CONFIG_HOME": work.appendingPathComponent("config").path,
        ])
        defer { tmux.close() }
        try tmux.waitUntil("the first page") { $0.range(of: #"1–\d+ of [\d,]+"#, options: .regularExpression) != nil }

        try tmux.send("/")
        try tmux.type("zebracorn")
        var screen = try tmux.waitUntil("the search results") { $0.contains("/ zebracorn") && $0.contains("of \(rows)") && $0.contains(Self.drawnEmojiTitle) }
        try tmux.send("Enter")
        try Self.assertNoDebris(screen, rows: rows)
        let first = try settled(tmux)
        try Self.assertNoDebris(first, rows: rows)

        // Scroll down past every row, a line and a page at a time, then back to the top.
        var seen = Set<Int>()
        // (g and G for first and last: tmux's End and Home sequences are not in every terminfo entry.)
        for step in ["Down", "Down", "Down", "PageDown", "Down", "Down", "PageDown", "PageDown", "G", "PageUp", "Up", "Up", "g"] {
            try tmux.send(step)
            screen = try settled(tmux)
            try Self.assertNoDebris(screen, rows: rows)
            seen.formUnion(Self.rowNumbers(screen))
        }
        XCTAssertEqual(seen, Set(0..<rows), "scrolling showed every row")
        XCTAssertEqual(try settled(tmux), first, "back at the top, the screen is what it was")
        try tmux.send("q")
    }

    /// The screen once it stops changing (two captures 150 ms apart agree).
    private func settled(_ tmux: TmuxTerminal) throws -> String {
        var last = try tmux.screen()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            Thread.sleep(forTimeInterval: 0.15)
            let now = try tmux.screen()
            if now == last { return now }
            last = now
        }
        return last
    }

    /// Every table row is one of the published titles, drawn whole, with its price where the header's price column is;
    /// no line is wider than the terminal.
    static func assertNoDebris(_ screen: String, rows: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for text in lines {
            XCTAssertLessThanOrEqual(DisplayWidth.of(text), 200, "a line wider than the terminal:\n\(text)", file: file, line: line)
        }
        guard let header = lines.firstIndex(where: { $0.contains("Title") && $0.contains("Price") }) else {
            return XCTFail("no table header on the screen:\n\(screen)", file: file, line: line)
        }
        let priceEnd = column(ofEnd: "Price", in: lines[header])
        var tableRows = 0
        for text in lines[(header + 1)...] where text.contains("— test") {
            tableRows += 1
            // The title column is as wide as the widest title, so the widest is followed by the one-space gap only.
            let plain = text.range(of: #"Plain row number (\d+) — test +"#, options: .regularExpression)
            let emoji = text.range(of: NSRegularExpression.escapedPattern(for: drawnEmojiTitle) + #" (\d+) +"#, options: .regularExpression)
            XCTAssertTrue(plain != nil || emoji != nil, "a row that is not a published title as drawn:\n\(text)\n\(screen)", file: file, line: line)
            // The price (right-aligned under its header) ends in the header's column on every row.
            guard let dollar = text.range(of: #"\$[\d,.]+[KM]?"#, options: .regularExpression) else {
                XCTFail("no price in a row:\n\(text)", file: file, line: line)
                continue
            }
            XCTAssertEqual(DisplayWidth.of(String(text[..<dollar.upperBound])), priceEnd, "the price is shifted:\n\(lines[header])\n\(text)",
                           file: file, line: line)
        }
        XCTAssertGreaterThan(tableRows, 20, "the table shows rows:\n\(screen)", file: file, line: line)
    }

    static func column(ofEnd label: String, in line: String) -> Int {
        guard let r = line.range(of: label) else { return -1 }
        return DisplayWidth.of(String(line[..<r.upperBound]))
    }

    static func rowNumbers(_ screen: String) -> Set<Int> {
        var numbers = Set<Int>()
        let pattern = try! NSRegularExpression(pattern: #"(?:Plain row number (\d+) — test|— test (\d+))"#)
        let ns = screen as NSString
        for match in pattern.matches(in: screen, range: NSRange(location: 0, length: ns.length)) {
            for group in 1...2 where match.range(at: group).location != NSNotFound {
                if let n = Int(ns.substring(with: match.range(at: group))) { numbers.insert(n) }
            }
        }
        return numbers
    }

    /// A listing upload of the demo catalog's ReceiptBot package under another slug and title.
    static func upload(slug: String, title: String) throws -> ListingUploadRequest {
        let root = TerminalUIEndToEndTests.repoRoot.appendingPathComponent("Sources/TechFlunkyDemoCatalog/DemoCatalog/receiptbot")
        var listing = try WireJSON.decode(PublishListingRequest.self, from: Data(contentsOf: root.appendingPathComponent("listing.json")))
        listing.title = title
        listing.description = "A listing for the emoji screen test, found by searching for zebracorn."
        var files: [BundleFile] = []
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = walker?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let path = String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
            guard path != "listing.json" else { continue }
            var content = try Data(contentsOf: url)
            if path == "techflunky.json" {
                var manifest = try JSONSerialization.jsonObject(with: content) as! [String: Any]
                manifest["slug"] = slug
                content = try JSONSerialization.data(withJSONObject: manifest)
            }
            files.append(BundleFile(path: path, content: content))
        }
        return ListingUploadRequest(listing: listing, bundle: PackageBundle(files: files))
    }
}

/// The Stripe stand-in did not report the demo account's onboarding finished within the test's deadline.
struct OnboardingNeverFinished: Error {}
