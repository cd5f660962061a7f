import Foundation
import TechFlunkySandbox
import XCTest

/// The whole product as a person meets it: `techflunky` with nothing configured, in a real terminal (tmux),
/// on the embedded sandbox marketplace.
final class SandboxJourneyTests: XCTestCase {
    let account = SandboxServer.demoCloudflareAccountId
    let token = SandboxServer.demoCloudflareToken

    /// Browse → search → detail → buy → pay → deploy → watch to success → payouts → advance the clock →
    /// released; quit leaves a usable shell; a second start finds the same data.
    func testBuyDeployAndWatchThePayoutRelease() throws {
        let ui = try TmuxSession(command: [BuiltBinary.path])
        // First start builds the demo world, then opens the browse pane.
        try ui.waitUntil(timeout: 240, description: "the browse pane with listings") { $0.contains("sandbox") && $0.range(of: #"1–\d+ of \d+"#, options: .regularExpression) != nil }

        // Search as you type, open the listing.
        try ui.send("/")
        try ui.waitFor("Enter search")
        try ui.type("tea")
        try ui.waitUntil(timeout: 20, description: "the list narrowed to Tea Trove") { $0.contains("Tea Trove") && !$0.contains("VenueFinder") }
        try ui.send("Enter")  // leave the search field
        try ui.send("Enter")  // open the selected listing
        let detail = try ui.waitFor("Platform fee")
        XCTAssertTrue(detail.contains("Tea Trove"), detail)
        XCTAssertTrue(detail.contains("15"), "the fee breakdown names the 15 % fee:\n\(detail)")

        // Buy: the checkout pane, then pay with the test card (sandbox), then deploy.
        try ui.send("b")
        try ui.waitFor("continue to payment")
        try ui.send("Enter")
        try ui.waitUntil(timeout: 30, description: "the hosted checkout URL") { $0.contains("/checkout/cs_") || $0.contains("checkout/") }
        try ui.send("p")
        try ui.waitUntil(timeout: 30, description: "the order paid") { $0.lowercased().contains("paid") && $0.contains("deploy now") }
        try ui.send("d")
        try ui.waitFor("Account id")
        try ui.type(account)
        try ui.send("Enter")
        try ui.type(token)
        let form = try ui.screen()
        XCTAssertFalse(form.contains(token), "the API token must never be echoed:\n\(form)")
        try ui.send("Enter")
        try ui.send("Enter")
        let done = try ui.waitUntil(timeout: 60, description: "all nine steps succeeded") { $0.contains("9/9 steps") && $0.contains("Live at") }
        XCTAssertFalse(done.contains(token), done)

        // The seller's side: payouts, then move the sandbox clock three days; the newest sale is released.
        try ui.send("d")
        try ui.send("3")
        let payouts = try ui.waitFor("Release")
        XCTAssertTrue(payouts.contains("in review"), payouts)
        // The demo world's oldest sale is past its review; the scheduler releases it within seconds.
        try ui.waitUntil(timeout: 30, description: "the demo world's released sale") { $0.contains("released ") }
        // Each press moves the clock a day; wait for the pane to say so before the next press.
        func clockNotice(_ screen: String) -> String? {
            screen.split(separator: "\n").first { $0.contains("Sandbox clock moved") }.map(String.init)
        }
        var notice: String?
        for press in 1...3 {
            try ui.send("A")
            let moved = try ui.waitUntil(timeout: 30, description: "the sandbox clock moved (press \(press))") { screen in
                clockNotice(screen).map { $0 != notice } ?? false
            }
            notice = clockNotice(moved)
        }
        try ui.waitUntil(timeout: 60, description: "every review period over") { screen in
            !screen.contains("in review") && screen.components(separatedBy: "released").count > 3
        }

        // Quit: the terminal is given back in a sane state.
        try ui.send("Q")
        let after = try ui.waitFor("[exit 0]")
        let tty = try ui.waitFor("[tty ")
        XCTAssertTrue(tty.contains("[tty icanon echo ]"), "the terminal should be back in cooked mode with echo:\n\(after)\n\(tty)")
        try ui.type("echo shell-$((20+22))")
        try ui.send("Enter")
        try ui.waitFor("shell-42")

        // A second start reuses the data: the order bought above is still there.
        let again = try TmuxSession(command: [BuiltBinary.path], home: ui.home)
        try again.waitUntil(timeout: 60, description: "the browse pane again") { $0.range(of: #"of \d+"#, options: .regularExpression) != nil }
        try again.send("2")
        try again.waitFor("Tea Trove")
        try again.send("Q")
        try again.waitFor("[exit 0]")
    }

    /// A deployment that fails on an injected Cloudflare error shows the failure and its code, and a retry
    /// (giving the token again) takes it to success.
    func testInjectedFailureThenRetrySucceeds() throws {
        let ui = try TmuxSession(command: [BuiltBinary.path])
        try ui.waitUntil(timeout: 240, description: "the browse pane") { $0.range(of: #"1–\d+ of \d+"#, options: .regularExpression) != nil }
        let instance = try sandboxInstance(home: ui.home)
        try postJSON(instance + "/sandbox/faults", #"{"match": "PUT /client/v4/accounts/*/workers/scripts/*", "status": 400, "code": 10021, "message": "Uncaught SyntaxError (injected)", "times": 1}"#)

        // The demo buyer's paid order that was never deployed.
        try ui.send("2")
        try ui.waitFor("not deployed")
        try ui.send("Enter")
        try ui.waitFor("Account id")
        try ui.type(account)
        try ui.send("Enter")
        try ui.type(token)
        try ui.send("Enter")
        try ui.send("Enter")
        let failed = try ui.waitUntil(timeout: 60, description: "the deployment failed") { $0.contains("10021") }
        XCTAssertTrue(failed.contains("✘") || failed.lowercased().contains("failed"), failed)

        try ui.send("r")
        try ui.waitUntil(timeout: 10, description: "the token prompt") { $0.lowercased().contains("token") }
        try ui.type(token)
        try ui.send("Enter")
        try ui.waitUntil(timeout: 60, description: "all nine steps succeeded after retry") { $0.contains("9/9 steps") && $0.contains("Live at") }
        try ui.send("Q")
        try ui.waitFor("[exit 0]")
    }

    private func sandboxInstance(home: URL) throws -> String {
        let file = home.appendingPathComponent("data/techflunky/instance.json")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any]
        guard let url = object?["sandboxURL"] as? String else { throw TmuxTimeout() }
        return url
    }

    private func postJSON(_ url: String, _ body: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["curl", "-fsS", "-X", "POST", "-H", "Content-Type: application/json", "-d", body, url]
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "POST \(url) failed")
    }
}
