import Foundation
import TechFlunkyText
import TechFlunkyClient
import TechFlunkyCore
import XCTest
@testable import TechFlunkyTUI

/// Whole-screen golden files: the app rendered by `AppRenderer` (header, tabs, breadcrumb, the pane, status
/// and key hints) as text, compared with `Goldens/<name>.txt` beside this file.
///
/// A new or changed golden is written with `TECHFLUNKY_RECORD_GOLDENS=1 swift test --filter ScreenGoldenTests`;
/// the recording run fails on purpose (so a recording never passes as a check), and the new files must be read
/// before they are committed. A missing golden fails with the screen it would have stored.
enum ScreenGolden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Goldens")
    static var recording: Bool { ProcessInfo.processInfo.environment["TECHFLUNKY_RECORD_GOLDENS"] == "1" }

    static func assert(_ screen: String, named name: String, file: StaticString = #filePath, line: UInt = #line) {
        let url = directory.appendingPathComponent(name + ".txt")
        let stored = try? String(contentsOf: url, encoding: .utf8)
        if recording {
            guard stored != screen else { return }
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try screen.write(to: url, atomically: true, encoding: .utf8)
                XCTFail("recorded \(url.lastPathComponent); read it, then run again without TECHFLUNKY_RECORD_GOLDENS", file: file, line: line)
            } catch {
                XCTFail("cannot write \(url.path): \(error)", file: file, line: line)
            }
            return
        }
        guard let stored else {
            return XCTFail("no golden \(url.lastPathComponent) (record it with TECHFLUNKY_RECORD_GOLDENS=1); the screen:\n\(screen)",
                           file: file, line: line)
        }
        if stored != screen {
            XCTFail("\(name) differs from its golden:\n--- actual ---\n\(screen)\n--- golden ---\n\(stored)", file: file, line: line)
        }
    }

    /// The whole screen with `pane` on top of `tab`: as the tab's root, or pushed over the root (then the tab row
    /// shows its breadcrumb). The header shows a signed-in sandbox account, connected.
    static func screen(_ pane: any Pane, tab: TabKind = .browse, pushed: Bool = false, width: Int, height: Int,
                       now: Date = CheckoutFixtures.t0, frame: Int = 0, configure: (inout AppState) -> Void = { _ in }) -> String {
        var state = AppState(width: width, height: height, environment: UIEnvironment(platformLabel: "test"), now: now,
                             tabRoots: { $0 == tab && !pushed ? pane : PaneFactory.root(for: $0) })
        state.activeTab = tab
        if pushed { state.activeStack.push(pane) }
        state.connection = .up
        state.account = CheckoutFixtures.me(sandbox: true).account
        state.platformIsSandbox = true
        state.frame = frame
        configure(&state)
        return AppRenderer.render(state).text
    }
}

/// A pane driven by hand as the app would: started with the area it gets on a `width`×`height` screen, its
/// requests answered (or left open) and its timers fired as the test says.
struct DrivenPane<P: Pane> {
    var pane: P
    var ctx: PaneContext
    private(set) var open: [(RequestID, ServiceRequest)] = []
    private(set) var timers: [TimerID] = []

    init(_ pane: P, width: Int, height: Int, now: Date = CheckoutFixtures.t0) {
        self.pane = pane
        ctx = PaneContext(nextID: 100, now: now, area: Rect(x: 0, y: 2, width: width, height: height - 4),
                          environment: UIEnvironment(platformLabel: "test"))
        take(self.pane.start(&ctx))
    }

    private mutating func take(_ commands: [PaneCommand]) {
        open += CheckoutFixtures.requests(commands)
        timers += CheckoutFixtures.timers(commands)
    }

    /// Answers each open request `respond` has an answer for (nil leaves it open), and then the requests those
    /// answers led to, a few rounds deep.
    mutating func answer(_ respond: (ServiceRequest) -> Result<ServiceResponse, ServiceFailure>?) {
        for _ in 0..<4 {
            let asked = open
            open = []
            var answered = false
            for (id, request) in asked {
                if let result = respond(request) {
                    take(pane.receive(.response(id, result), &ctx))
                    answered = true
                } else {
                    open.append((id, request))
                }
            }
            if !answered { return }
        }
    }

    mutating func press(_ key: Key) { take(CheckoutFixtures.press(key, &pane, &ctx)) }

    mutating func type(_ text: String) { for c in text { press(.char(c)) } }

    mutating func fireTimers() {
        let due = timers
        timers = []
        for id in due { take(pane.receive(.timerFired(id), &ctx)) }
    }
}
