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
        // Tea Trove's package generates two secrets: shown once, when the deployment this terminal watched went live.
        let done = try ui.waitUntil(timeout: 60, description: "all nine steps succeeded, with the generated secrets") {
            $0.contains("9/9 steps") && $0.contains("Live at") && $0.contains("Generated secrets: shown this once")
        }
        XCTAssertFalse(done.contains(token), done)
        XCTAssertTrue(done.contains("ADMIN_TOKEN") && done.contains("STRIPE_WEBHOOK_SECRET"), done)

        // Leaving asks first while they are on screen (they are not shown again); Enter leaves.
        try ui.send("d")
        try ui.waitFor("cannot be shown again")
        try ui.send("Enter")
        try ui.waitUntil(timeout: 10, description: "back from the deployment") { !$0.contains("cannot be shown again") && !$0.contains("Generated secrets") }

        // The seller's side: payouts, then move the sandbox clock three days; the newest sale is released.
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
        // The orders loaded (Tea Trove's row, the newest, selected), not the browse list behind them.
        try again.waitUntil(timeout: 30, description: "the orders with Tea Trove live") { $0.contains("Your orders") && $0.contains("Tea Trove") && $0.contains("live · ") }
        // Opening that deployment again: live, and the secrets screen does not appear a second time.
        try again.send("Enter")
        let reopened = try again.waitUntil(timeout: 30, description: "the Tea Trove deployment re-opened") { $0.contains("9/9 steps") && $0.contains("Live at") }
        XCTAssertTrue(reopened.contains("Tea Trove"), reopened)
        XCTAssertFalse(reopened.contains("Generated secrets"), "the secrets screen appears once:\n\(reopened)")
        try again.send("Q")
        try again.waitFor("[exit 0]")
        XCTAssertTrue(TmuxSession.stopSandbox(home: ui.home).contains("stopped the local sandbox"), "both UIs used one daemon, still running")
    }

    /// A deployment that fails on an injected Cloudflare error shows the failure and its code, and a retry
    /// (giving the token again) takes it to success; `techflunky watch` afterwards replays the failure and the
    /// retry and ends at the real end: the live URL, exit 0.
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
        // The retry's own prompt: the failure view above already says "API token" ("both ask for your API token
        // again"), so waiting for the word alone let the token's keys reach that view before the prompt opened.
        try ui.waitUntil(timeout: 10, description: "the retry's token prompt") { $0.contains("Retry: API token") }
        try ui.type(token)
        try ui.send("Enter")
        let live = try ui.waitUntil(timeout: 60, description: "all nine steps succeeded after retry") { $0.contains("9/9 steps") && $0.contains("Live at") }
        let liveURL = try XCTUnwrap(live.range(of: #"https?://[^\s]+"#, options: .regularExpression).map { String(live[$0]) },
                                    "the live URL on screen:\n\(live)")

        try ui.send("Q")
        try ui.waitFor("[exit 0]")

        // watch after fail → retry → succeed: the whole history, to the real end.
        let deploymentId = try XCTUnwrap(live.range(of: #"dep_[0-9a-f]+"#, options: .regularExpression).map { String(live[$0]) },
                                         "the deployment's id in the pane's header:\n\(live)")
        let watch = try TmuxSession(command: [BuiltBinary.path, "watch", deploymentId], width: 160, height: 60, home: ui.home)
        let watched = try watch.waitFor("[exit ")
        XCTAssertTrue(watched.contains("[exit 0]"), "watch exits 0 for a deployment that went live after a retry:\n\(watched)")
        XCTAssertTrue(watched.contains("deployment succeeded  " + liveURL), "the live URL:\n\(watched)")
        XCTAssertFalse(watched.contains(token), watched)
    }

    /// As tmux has one server: two terminals on the sandbox share one daemon; the first starts a deployment
    /// and quits (`Q`), and the second keeps working and watches that deployment finish. `sandbox status` shows
    /// the daemon and the running deployment; `sandbox stop` refuses while it runs, then stops it.
    func testTheSandboxOutlivesTheTerminalThatStartedIt() throws {
        // Cloudflare at its real pace, so the deployment is still running when its terminal quits.
        let first = try TmuxSession(command: [BuiltBinary.path], environment: ["TECHFLUNKY_SANDBOX_PACE": "realistic"])
        try first.waitUntil(timeout: 240, description: "the first terminal's browse pane") { $0.range(of: #"1–\d+ of \d+"#, options: .regularExpression) != nil }
        let second = try TmuxSession(command: [BuiltBinary.path], width: 100, height: 30, home: first.home)
        try second.waitUntil(timeout: 60, description: "the second terminal's browse pane") { $0.range(of: #"1–\d+ of \d+"#, options: .regularExpression) != nil }
        let daemonPid = try XCTUnwrap(daemonState(home: first.home)["pid"] as? Int, "one daemon, published in daemon.json")

        // The first terminal deploys the demo buyer's paid order...
        try first.send("2")
        try first.waitFor("not deployed")
        try first.send("Enter")
        try first.waitFor("Account id")
        try first.type(account)
        try first.send("Enter")
        try first.type(token)
        try first.send("Enter")
        try first.send("Enter")
        try first.waitUntil(timeout: 30, description: "the deployment under way") { $0.range(of: #"[0-8]/9 steps"#, options: .regularExpression) != nil }
        // ...and quits while it runs.
        try first.send("Q")
        try first.waitFor("[exit 0]")

        let running = try waitForRunningDeployment(home: first.home)
        XCTAssertEqual(try daemonState(home: first.home)["pid"] as? Int, daemonPid, "quitting the terminal that started the daemon left it running")
        let refused = try TmuxSession.techflunky(["sandbox", "stop"], home: first.home)
        XCTAssertTrue(refused.contains(running) && refused.contains("--force"), "a stop with a deployment running refuses and says why:\n\(refused)")

        // The second terminal keeps working: search, then watch the first terminal's deployment finish.
        try second.send("/")
        try second.waitFor("Enter search")
        try second.type("tea")
        try second.waitUntil(timeout: 20, description: "the list narrowed to Tea Trove") { $0.contains("Tea Trove") && !$0.contains("VenueFinder") }
        try second.send("Enter")
        XCTAssertFalse(try second.screen().contains("offline"))
        try second.send("2")
        try second.waitFor("Your orders")
        try second.send("Enter")  // the newest order: the one the first terminal is deploying
        let live = try second.waitUntil(timeout: 240, description: "the deployment finished in the second terminal") { $0.contains("9/9 steps") && $0.contains("Live at") }
        XCTAssertFalse(live.contains("nterrupted"), live)

        // Nothing running now (the daemon publishes that within a second): stop is clean, then `r` in the second
        // UI brings a daemon back.
        try waitForNoRunningDeployment(home: first.home)
        let status = try TmuxSession.techflunky(["sandbox", "status"], home: first.home)
        XCTAssertTrue(status.contains("pid \(daemonPid)") && status.contains("deployments: none running"), status)
        let stopped = try TmuxSession.techflunky(["sandbox", "stop"], home: first.home)
        XCTAssertTrue(stopped.contains("stopped the local sandbox (pid \(daemonPid))"), stopped)
        try second.send("Escape")
        try second.send("r")
        try second.waitUntil(timeout: 60, description: "the UI on a new daemon") { screen in
            screen.contains("● connected") && (self.publishedPid(home: first.home) ?? daemonPid) != daemonPid
        }
        try second.send("Q")
        try second.waitFor("[exit 0]")
        XCTAssertTrue(TmuxSession.stopSandbox(home: first.home).contains("stopped the local sandbox"))
    }

    /// The pid in daemon.json, nil while there is none (between a stop and the next start).
    private func publishedPid(home: URL) -> Int? {
        let file = home.appendingPathComponent("data/techflunky/daemon.json")
        guard let data = try? Data(contentsOf: file) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["pid"] as? Int
    }

    private func daemonState(home: URL) throws -> [String: Any] {
        let file = home.appendingPathComponent("data/techflunky/daemon.json")
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
    }

    private func waitForNoRunningDeployment(home: URL) throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let list = try? daemonState(home: home)["runningDeployments"] as? [[String: Any]], list.isEmpty { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("daemon.json still lists a running deployment: \(String(describing: try? daemonState(home: home)))")
        throw TmuxTimeout()
    }

    /// The id of a deployment the daemon reports running (it publishes them within a second).
    private func waitForRunningDeployment(home: URL) throws -> String {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let list = try? daemonState(home: home)["runningDeployments"] as? [[String: Any]], let id = list.first?["id"] as? String {
                return id
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("daemon.json never listed the running deployment")
        throw TmuxTimeout()
    }

    private func sandboxInstance(home: URL) throws -> String {
        let file = home.appendingPathComponent("data/techflunky/daemon.json")
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
