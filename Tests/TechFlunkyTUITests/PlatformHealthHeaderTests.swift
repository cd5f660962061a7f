import Foundation
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyText
import XCTest
@testable import TechFlunkyTUI

/// The sandbox header's health badge: what it says, that it follows the platform, and that it keeps to its row.
final class PlatformHealthHeaderTests: XCTestCase {
    static func health(stripe: Bool = true, cloudflare: Bool = true, holdsPastDue: Int = 0, webhooks: Int = 0, running: Int = 0,
                       extraCheck: PlatformHealth.Check? = nil) -> PlatformHealth {
        PlatformHealth(sandbox: true, checkedAt: Date(timeIntervalSince1970: 1_700_000_000),
                       checks: [.init(name: "database", ok: true, milliseconds: 1), .init(name: "stripe", ok: stripe),
                                .init(name: "cloudflare", ok: cloudflare)] + (extraCheck.map { [$0] } ?? []),
                       deploymentsRunning: running, holdsPastDue: holdsPastDue, webhooksRejected: webhooks)
    }

    func header(_ d: UIDriver) -> String {
        AppRenderer.render(d.state).rowText(0).replacingOccurrences(of: #"\s+$"#, with: "", options: .regularExpression)
    }

    func testHeaderShowsTheSandboxHealthAndFollowsItOnTheTimer() async {
        let service = InMemoryMarketplace(count: 3)
        await service.setHealth(Self.health(running: 2))
        var d = UIDriver(service: service, width: 120, height: 30)
        await d.start()
        XCTAssertEqual(header(d), " TechFlunky  sandbox  ✓ healthy · 2 deploying" + String(repeating: " ", count: 51) + "Demo Buyer  ● connected")

        await service.setHealth(Self.health(stripe: false, holdsPastDue: 2))
        XCTAssertTrue(header(d).contains("✓ healthy"), "nothing changes until the next poll")
        await d.fireTimers()
        XCTAssertEqual(header(d), " TechFlunky  sandbox  ▲ Stripe unreachable, 2 holds past due" + String(repeating: " ", count: 36) + "Demo Buyer  ● connected")
        XCTAssertEqual(d.pendingTimers.count, 1, "one poll timer re-armed, not one per answer")

        // A platform that stops answering the health endpoint: the badge goes rather than show a stale verdict.
        await service.setHealth(nil)
        await d.fireTimers()
        XCTAssertFalse(header(d).contains("▲"), header(d))
        XCTAssertTrue(header(d).hasSuffix("Demo Buyer  ● connected"), header(d))
    }

    func testAtNarrowWidthsAProblemTakesTheAccountsRoomAndIsCutToFit() async {
        let service = InMemoryMarketplace(count: 3)
        await service.setHealth(Self.health(stripe: false, holdsPastDue: 2))
        var d = UIDriver(service: service, width: 60, height: 12)
        await d.start()
        XCTAssertEqual(header(d), " TechFlunky  sandbox  ▲ Stripe unreachable, 2 holds past d…")
        for width in [40, 41, 45, 50, 59, 61, 80] {
            d.state.width = width
            let canvas = AppRenderer.render(d.state)
            let row = canvas.rowText(0)
            XCTAssertEqual(DisplayWidth.of(row), width, "width \(width): the header keeps to its row")
            XCTAssertTrue(row.contains("▲ Stripe"), "width \(width): \(row)")
            XCTAssertEqual(canvas.rowText(1).contains("Browse"), true, "width \(width): the tab row is untouched")
        }
        // Healthy, the account keeps its place and the badge takes what is left (or nothing).
        await service.setHealth(Self.health())
        await d.fireTimers()
        d.state.width = 45
        XCTAssertEqual(header(d), " TechFlunky  sandbox  ✓ healthy", "no room for the account: the badge has it")
        d.state.width = 50
        XCTAssertEqual(header(d), " TechFlunky  sandbox  ✓   Demo Buyer  ● connected", "all is well is said shorter, never cut")
        d.state.width = 20
        d.state.height = 5
        XCTAssertTrue(AppRenderer.render(d.state).text.contains("Terminal too small"), "20×5 shows the size message, nothing broken")
    }

    func testHostileTextFromThePlatformNeverReachesTheHeaderAsControls() async {
        let service = InMemoryMarketplace(count: 3)
        await service.setHealth(Self.health(extraCheck: .init(name: "queue\u{1B}[2J\u{1B}]0;owned\u{07}\u{202E}x", ok: false)))
        var d = UIDriver(service: service, width: 120, height: 30)
        await d.start()
        let row = AppRenderer.render(d.state).rowText(0)
        XCTAssertTrue(row.contains("▲ queue"), row)
        for bad in ["\u{1B}", "\u{07}", "\u{202E}"] { XCTAssertFalse(row.contains(bad), "no \(bad.unicodeScalars.first!.value) in the header") }
        XCTAssertEqual(DisplayWidth.of(row), 120)
    }

    func testARealPlatformsHeaderShowsNoHealth() async {
        var state = AppState(width: 100, height: 20, environment: UIEnvironment(platformLabel: "platform.example.com"))
        state.platformHealth = Self.health(stripe: false)
        state.platformIsSandbox = false
        XCTAssertFalse(AppRenderer.render(state).rowText(0).contains("Stripe"), "a real platform's health is its operator's business")
    }
}
