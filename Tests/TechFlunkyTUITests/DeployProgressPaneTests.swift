import Foundation
import TechFlunkyCore
import XCTest
@testable import TechFlunkyTUI

final class DeployProgressPaneTests: XCTestCase {
    typealias F = CheckoutFixtures
    let t0 = CheckoutFixtures.t0

    private func snapshot(state: DeploymentState = .queued, lastEventId: Int = 0) -> Deployment {
        Deployment(id: "dep_1", orderId: "ord_1", listingSlug: "invoice-bot", accountId: F.accountId, domain: nil, state: state,
                   steps: DeploymentStepKind.allCases.map { DeploymentStep(kind: $0) }, resources: [], url: nil,
                   lastMessage: nil, lastEventId: lastEventId, createdAt: t0, updatedAt: t0)
    }

    /// A pane that loaded the snapshot and follows the stream; returns the subscription id.
    private func attachedPane() -> (DeployProgressPane, PaneContext, SubscriptionID) {
        var pane = DeployProgressPane(deploymentId: "dep_1", listingTitle: "InvoiceBot", initialState: .queued)
        var ctx = F.context()
        let start = F.requests(pane.start(&ctx))
        XCTAssertEqual(start.map(\.1), [.deployment(id: "dep_1")])
        let follow = pane.receive(.response(start[0].0, .success(.deployment(snapshot()))), &ctx)
        guard case let .subscribe(sub, .deploymentEvents("dep_1", 0))? = follow.first else {
            XCTFail("expected a subscription after the snapshot, got \(follow)")
            return (pane, ctx, SubscriptionID(0))
        }
        return (pane, ctx, sub)
    }

    private var seq = 0
    private func event(_ kind: DeploymentEvent.Kind, step: DeploymentStepKind? = nil, stepState: StepState? = nil,
                       state: DeploymentState? = nil, message: String? = nil, code: Int? = nil, at: TimeInterval, url: String? = nil) -> DeploymentEvent {
        seq += 1
        return DeploymentEvent(seq: seq, deploymentId: "dep_1", kind: kind, at: t0.addingTimeInterval(at), state: state, step: step,
                               stepState: stepState, message: message, errorCode: code, url: url)
    }

    /// Steps before `running` succeed (one second each, with a log line); `running` starts.
    private func events(upTo running: DeploymentStepKind) -> [DeploymentEvent] {
        var out = [event(.deployment, state: .running, at: 0)]
        for kind in DeploymentStepKind.allCases {
            let t = Double(kind.number - 1)
            out.append(event(.step, step: kind, stepState: .running, at: t))
            out.append(event(.log, step: kind, message: "working on \(kind.rawValue)", at: t + 0.5))
            if kind == running { break }
            out.append(event(.step, step: kind, stepState: .succeeded, at: t + 1))
        }
        return out
    }

    private func deliver(_ events: [DeploymentEvent], to pane: inout DeployProgressPane, _ ctx: inout PaneContext,
                         sub: SubscriptionID) -> [PaneCommand] {
        events.flatMap { pane.receive(.subscription(sub, .deployment(.event($0))), &ctx) }
    }

    func testAWatchedRunThatGoesLiveShowsItsGeneratedSecretsOnce() {
        var (pane, ctx, sub) = attachedPane()
        var commands = deliver(events(upTo: .postDeploy), to: &pane, &ctx, sub: sub)
        XCTAssertTrue(F.requests(commands).isEmpty)
        commands = deliver([event(.step, step: .postDeploy, stepState: .succeeded, at: 9),
                            event(.deployment, state: .succeeded, message: "Live", at: 9, url: "https://x.workers.dev")], to: &pane, &ctx, sub: sub)
        let asked = F.requests(commands)
        XCTAssertEqual(asked.map(\.1), [.revealDeploymentSecrets(id: "dep_1")], "asked once, when the watched run went live")
        let secret = GeneratedSecret(worker: "api", name: "ADMIN_PASSWORD", value: "c0ffee1234")
        _ = pane.receive(.response(asked[0].0, .success(.generatedSecrets(GeneratedSecrets(secrets: [secret], note: "store them")))), &ctx)
        let screen = F.render(pane, width: 100, height: 40)
        XCTAssertTrue(screen.contains("api/ADMIN_PASSWORD  c0ffee1234"), screen)
        XCTAssertTrue(screen.contains("shown this once"), screen)
        XCTAssertNotNil(pane.quitWarning, "quitting asks first while the secrets are on screen")
        let copy = pane.perform(.copy, &ctx)
        guard case let .copy(text)? = copy.first else { return XCTFail("\(copy)") }
        XCTAssertEqual(text, "api/ADMIN_PASSWORD=c0ffee1234", "y copies the secrets")
        let url = F.press(.char("u"), &pane, &ctx)
        XCTAssertTrue(url.contains { if case .copy("https://x.workers.dev") = $0 { true } else { false } }, "u copies the live URL: \(url)")
    }

    /// Leaving the pane (Esc, q, d) while the secrets are on screen and not copied asks first: they are not shown again.
    func testLeavingWhileTheSecretsAreOnScreenAsksFirst() {
        var (pane, ctx, sub) = attachedPane()
        let asked = F.requests(deliver(events(upTo: .postDeploy) + [event(.step, step: .postDeploy, stepState: .succeeded, at: 9),
                                                                     event(.deployment, state: .succeeded, at: 9, url: "https://x.workers.dev")],
                                       to: &pane, &ctx, sub: sub))
        let secret = GeneratedSecret(worker: "api", name: "ADMIN_PASSWORD", value: "c0ffee1234")
        _ = pane.receive(.response(asked[0].0, .success(.generatedSecrets(GeneratedSecrets(secrets: [secret], note: "store them")))), &ctx)
        func pops(_ commands: [PaneCommand]) -> Bool { commands.contains { if case .pop = $0 { true } else { false } } }

        XCTAssertFalse(pops(F.press(.escape, &pane, &ctx)), "Esc does not leave at once")
        XCTAssertEqual(pane.prompt, .confirmLeave)
        XCTAssertTrue(F.render(pane, width: 100, height: 40).contains("cannot be shown again"))
        XCTAssertFalse(pops(F.press(.escape, &pane, &ctx)), "Esc again stays")
        XCTAssertNil(pane.prompt)
        XCTAssertTrue(F.render(pane, width: 100, height: 40).contains("api/ADMIN_PASSWORD  c0ffee1234"), "still on screen")
        _ = F.press(.char("q"), &pane, &ctx)
        XCTAssertTrue(pops(F.press(.enter, &pane, &ctx)), "Enter leaves")

        // Once copied, leaving does not ask (nor does quitting).
        seq = 0
        var (copied, c2, sub2) = attachedPane()
        let asked2 = F.requests(deliver(events(upTo: .postDeploy) + [event(.step, step: .postDeploy, stepState: .succeeded, at: 9),
                                                                      event(.deployment, state: .succeeded, at: 9, url: "https://x.workers.dev")],
                                        to: &copied, &c2, sub: sub2))
        _ = copied.receive(.response(asked2[0].0, .success(.generatedSecrets(GeneratedSecrets(secrets: [secret], note: "store them")))), &c2)
        XCTAssertTrue(F.press(.char("y"), &copied, &c2).contains { if case .copy = $0 { true } else { false } })
        XCTAssertNil(copied.quitWarning)
        XCTAssertTrue(pops(F.press(.escape, &copied, &c2)))
    }

    /// The instant sandbox can finish a deployment before the pane that started it loads its first snapshot: the pane
    /// still watched that run (it was opened on it queued), so it shows the secrets; opened on a finished run, it does not.
    func testARunThatEndsBeforeTheFirstSnapshotStillShowsItsSecretsToThePaneThatStartedIt() {
        var pane = DeployProgressPane(deploymentId: "dep_1", listingTitle: "InvoiceBot", initialState: .queued)
        var ctx = F.context()
        let load = F.requests(pane.start(&ctx))[0].0
        let asked = F.requests(pane.receive(.response(load, .success(.deployment(snapshot(state: .succeeded, lastEventId: 30)))), &ctx))
        XCTAssertEqual(asked.map(\.1), [.revealDeploymentSecrets(id: "dep_1")])

        var opened = DeployProgressPane(deploymentId: "dep_1", listingTitle: "InvoiceBot", initialState: .succeeded)
        var c2 = F.context()
        let again = F.requests(opened.start(&c2))[0].0
        XCTAssertTrue(F.requests(opened.receive(.response(again, .success(.deployment(snapshot(state: .succeeded, lastEventId: 30)))), &c2)).isEmpty,
                      "a finished run opened from Orders never asks")
    }

    func testReattachingToAFinishedRunDoesNotAskForSecrets() {
        var pane = DeployProgressPane(deploymentId: "dep_1", listingTitle: "InvoiceBot")
        var ctx = F.context()
        let start = F.requests(pane.start(&ctx))
        let after = pane.receive(.response(start[0].0, .success(.deployment(snapshot(state: .succeeded, lastEventId: 30)))), &ctx)
        XCTAssertTrue(F.requests(after).isEmpty)
    }

    func testEachStepRunningShowsASpinnerTheStepsBeforeDoneAndItsElapsedTime() {
        for running in DeploymentStepKind.allCases {
            seq = 0
            var (pane, ctx, sub) = attachedPane()
            _ = deliver(events(upTo: running), to: &pane, &ctx, sub: sub)
            let now = t0.addingTimeInterval(Double(running.number - 1) + 2.5)
            let text = F.render(pane, width: 90, height: 24, now: now, frame: 0)
            let rows = text.split(separator: "\n").map(String.init)
            for kind in DeploymentStepKind.allCases {
                guard let row = rows.first(where: { $0.contains("\(kind.number)  \(kind.title)") }) else {
                    return XCTFail("step \(kind.number) missing:\n\(text)")
                }
                XCTAssertEqual(rows.filter { $0.contains("\(kind.number)  \(kind.title)") }.count, 1, "step \(kind.number) shows once")
                if kind.number < running.number {
                    XCTAssertTrue(row.hasPrefix("  ✔ "), row)
                    XCTAssertTrue(row.hasSuffix("1.0s"), row)
                } else if kind == running {
                    XCTAssertTrue(row.hasPrefix("  ⠋"), row)
                    XCTAssertTrue(row.hasSuffix("2.5s"), "elapsed while running: \(row)")
                } else {
                    XCTAssertTrue(row.hasPrefix("  ○"), row)
                }
            }
            XCTAssertTrue(text.contains("\(running.number - 1)/9 steps"), text)
            XCTAssertTrue(text.contains("Log · \(running.title)"), "the running step's log is shown")
            XCTAssertTrue(text.contains("working on \(running.rawValue)"))
        }
    }

    func testRendersARunningDeploymentWithTheReconnectingIndicator() {
        var (pane, ctx, sub) = attachedPane()
        _ = deliver(events(upTo: .createDatabases), to: &pane, &ctx, sub: sub)
        _ = pane.receive(.subscription(sub, .deployment(.reconnecting(since: t0, attempts: 2, reason: "connection refused"))), &ctx)
        assertRendered(F.render(pane, width: 90, height: 20, now: t0.addingTimeInterval(3), frame: 2), """
             InvoiceBot  deploying                                                    ⟳ reconnecting…
             deployment dep_1 · account 012345…cdef
             ███████████······································· 2/9 steps

              ✔ 1  Verify Cloudflare credentials                                                 1.0s
              ✔ 2  Create namespace                                                              1.0s
              ⠹ 3  Create D1 databases and run migrations                                        1.0s
              ○ 4  Create R2 buckets and CORS
              ○ 5  Upload Workers with bindings
              ○ 6  Custom domain or workers.dev
              ○ 7  DNS records
              ○ 8  Environment variables and secrets
              ○ 9  Post-deploy scripts and smoke check

             Log · Create D1 databases and run migrations
               working on create_databases




            """)
        _ = pane.receive(.subscription(sub, .deployment(.reconnected)), &ctx)
        XCTAssertFalse(F.render(pane, width: 90, height: 20).contains("reconnecting"))
    }

    func testRepeatedEventsAfterAReconnectShowEveryStepOnceAndAGapReloadsTheSnapshot() {
        var (pane, ctx, sub) = attachedPane()
        let all = events(upTo: .createBuckets)
        _ = deliver(Array(all.prefix(5)), to: &pane, &ctx, sub: sub)
        _ = deliver(Array(all.prefix(8)), to: &pane, &ctx, sub: sub)  // a replay overlapping what arrived
        XCTAssertEqual(pane.model.lastEventId, 8)
        XCTAssertEqual(pane.model.steps[0].log, ["working on verify_credentials"])
        // A jump: stop following, fetch the snapshot, never apply the later event.
        let skipped = DeploymentEvent(seq: 12, deploymentId: "dep_1", kind: .step, at: t0, step: .postDeploy, stepState: .running)
        let commands = pane.receive(.subscription(sub, .deployment(.event(skipped))), &ctx)
        XCTAssertEqual(pane.model.steps[8].state, .pending)
        guard case .unsubscribe(sub)? = commands.first, case .request(_, .deployment(id: "dep_1"))? = commands.last else {
            return XCTFail("expected unsubscribe and a snapshot request, got \(commands)")
        }
    }

    func testFailureShowsMessageAndCodeAndRetryAsksForTheTokenAgain() {
        var (pane, ctx, sub) = attachedPane()
        var evs = events(upTo: .uploadWorkers)
        evs.append(event(.step, step: .uploadWorkers, stepState: .failed, message: "Script startup exceeded CPU limit", code: 10021, at: 5.2))
        evs.append(event(.deployment, state: .failed, message: "Upload Workers with bindings failed", at: 5.2))
        let afterFinal = deliver(evs, to: &pane, &ctx, sub: sub)
        XCTAssertTrue(afterFinal.contains { if case .unsubscribe(sub) = $0 { true } else { false } }, "the stream ends at a final state")
        let text = F.render(pane, width: 90, height: 24, now: t0.addingTimeInterval(60))
        XCTAssertTrue(text.contains("InvoiceBot  failed"), text)
        XCTAssertTrue(text.contains("  ✖ 5  Upload Workers with bindings"), text)
        XCTAssertTrue(text.contains("✖ Step 5 (Upload Workers with bindings) failed: Script startup exceeded CPU limit"), text)
        XCTAssertTrue(text.contains("Cloudflare error 10021"))
        XCTAssertTrue(text.contains("Press r to retry from this step or x to roll back"))

        _ = F.press(.char("r"), &pane, &ctx)
        XCTAssertTrue(pane.capturesText)
        F.type(F.token, &pane, &ctx)
        let prompt = F.render(pane, width: 90, height: 24)
        XCTAssertTrue(prompt.contains("Retry: API token"), prompt)
        XCTAssertFalse(prompt.contains(F.token))
        let sent = F.requests(F.press(.enter, &pane, &ctx))
        XCTAssertEqual(sent.map(\.1), [.retryDeployment(id: "dep_1", credentials: CloudflareCredentials(accountId: F.accountId, apiToken: CloudflareAPIToken(F.token)))])
        XCTAssertNil(pane.prompt)
        XCTAssertFalse(String(reflecting: pane).contains(F.token), "the token is not kept after sending")
        // Accepted: follow the stream again from the last event.
        let follow = pane.receive(.response(sent[0].0, .success(.deployAccepted(DeployAccepted(deploymentId: "dep_1", state: .running)))), &ctx)
        guard case let .subscribe(_, .deploymentEvents("dep_1", after))? = follow.first else { return XCTFail("\(follow)") }
        XCTAssertEqual(after, pane.model.lastEventId)
    }

    func testRollbackNeedsConfirmationThenTheToken() {
        var (pane, ctx, sub) = attachedPane()
        var evs = events(upTo: .verifyCredentials)
        evs.append(event(.step, step: .verifyCredentials, stepState: .failed, message: "Invalid API Token", code: 1000, at: 1))
        evs.append(event(.deployment, state: .failed, at: 1))
        _ = deliver(evs, to: &pane, &ctx, sub: sub)
        _ = F.press(.char("x"), &pane, &ctx)
        XCTAssertEqual(pane.prompt, .confirmRollback)
        XCTAssertTrue(F.render(pane, width: 90, height: 24).contains("Roll back?"))
        _ = F.press(.char("n"), &pane, &ctx)
        XCTAssertNil(pane.prompt, "n keeps the deployment")
        _ = F.press(.char("x"), &pane, &ctx)
        _ = F.press(.char("y"), &pane, &ctx)
        F.type("short", &pane, &ctx)
        XCTAssertTrue(F.requests(F.press(.enter, &pane, &ctx)).isEmpty, "a token that cannot be one is not sent")
        for _ in 0..<5 { _ = F.press(.backspace, &pane, &ctx) }
        F.type(F.token, &pane, &ctx)
        let sent = F.requests(F.press(.enter, &pane, &ctx))
        XCTAssertEqual(sent.map(\.1), [.rollbackDeployment(id: "dep_1", credentials: CloudflareCredentials(accountId: F.accountId, apiToken: CloudflareAPIToken(F.token)))])
        // Accepted: follow again; rolling back, then rolled back — the failure and its retry hint give way.
        let follow = pane.receive(.response(sent[0].0, .success(.deployAccepted(DeployAccepted(deploymentId: "dep_1", state: .rollingBack)))), &ctx)
        guard case let .subscribe(again, _)? = follow.first else { return XCTFail("\(follow)") }
        _ = deliver([event(.deployment, state: .rollingBack, at: 2)], to: &pane, &ctx, sub: again)
        XCTAssertTrue(F.render(pane, width: 90, height: 24).contains("Rolling back: removing what this deployment created"))
        _ = deliver([event(.deployment, state: .rolledBack, at: 3)], to: &pane, &ctx, sub: again)
        let text = F.render(pane, width: 90, height: 24)
        XCTAssertTrue(text.contains("InvoiceBot  rolled back"), text)
        XCTAssertTrue(text.contains("Rolled back: what this deployment created has been removed"))
        XCTAssertFalse(text.contains("Press r to retry"))
    }

    func testInTheSandboxCtrlTSendsTheDemoTokenForTheDemoAccount() {
        var pane = DeployProgressPane(deploymentId: "dep_1", listingTitle: "InvoiceBot")
        var ctx = F.context()
        ctx.environment.sandboxCloudflare = CloudflareCredentials(accountId: F.accountId, apiToken: CloudflareAPIToken("tfsandbox_demo_token_abcdefghij"))
        let load = F.requests(pane.start(&ctx))[0].0
        _ = pane.receive(.response(load, .success(.deployment(snapshot(state: .failed, lastEventId: 9)))), &ctx)
        _ = F.press(.char("r"), &pane, &ctx)
        let sent = F.requests(F.press(.ctrl("t"), &pane, &ctx))
        XCTAssertEqual(sent.map(\.1), [.retryDeployment(id: "dep_1", credentials: CloudflareCredentials(accountId: F.accountId, apiToken: CloudflareAPIToken("tfsandbox_demo_token_abcdefghij")))])
        XCTAssertNil(pane.prompt)
    }

    func testRendersRolledBackAndLive() {
        var (pane, ctx, sub) = attachedPane()
        var evs = events(upTo: .postDeploy)
        evs.append(event(.step, step: .postDeploy, stepState: .succeeded, at: 9))
        evs.append(event(.deployment, state: .succeeded, at: 9, url: "https://invoice-bot.example-buyer.workers.dev"))
        _ = deliver(evs, to: &pane, &ctx, sub: sub)
        let live = F.render(pane, width: 90, height: 24)
        XCTAssertTrue(live.contains("InvoiceBot  live"), live)
        XCTAssertTrue(live.contains("9/9 steps"))
        XCTAssertTrue(live.contains("✔ Live at https://invoice-bot.example-buyer.workers.dev"))
        // The live URL is an OSC 8 hyperlink over exactly its own cells, and `y` copies it.
        var canvas = Canvas(width: 90, height: 24)
        pane.render(into: &canvas, area: canvas.bounds, RenderContext(now: F.t0, environment: UIEnvironment(platformLabel: "test")))
        XCTAssertEqual(canvas.links, ["https://invoice-bot.example-buyer.workers.dev"])
        let linked = HyperlinkOverlay.runs(in: canvas)
        XCTAssertEqual(linked.count, 1)
        if let run = linked.first {
            let text = (run.x..<(run.x + run.width)).map { canvas[$0, run.y].grapheme }.joined()
            XCTAssertEqual(text, "https://invoice-bot.example-buyer.workers.dev")
        }
        let copied = F.press(.char("y"), &pane, &ctx)
        XCTAssertTrue(copied.contains { if case .copy("https://invoice-bot.example-buyer.workers.dev") = $0 { true } else { false } }, "\(copied)")

        var rolled = DeployProgressPane(deploymentId: "dep_1", listingTitle: "InvoiceBot")
        var c2 = F.context()
        let load = F.requests(rolled.start(&c2))[0].0
        let follow = rolled.receive(.response(load, .success(.deployment(snapshot(state: .rolledBack, lastEventId: 40)))), &c2)
        XCTAssertTrue(follow.isEmpty, "nothing to follow once rolled back")
        let text = F.render(rolled, width: 90, height: 24)
        XCTAssertTrue(text.contains("InvoiceBot  rolled back"), text)
        XCTAssertTrue(text.contains("Rolled back: what this deployment created has been removed from your account."))
        XCTAssertTrue(F.press(.char("r"), &rolled, &c2).contains { if case .status = $0 { true } else { false } },
                      "retry is disabled with a reason")
    }

    func testRollingBackAnUpdateSaysItsWorkersServeTheirPreviousVersionAgain() {
        var pane = DeployProgressPane(deploymentId: "dep_1", listingTitle: "InvoiceBot", initialState: .queued)
        var ctx = F.context()
        let start = F.requests(pane.start(&ctx))
        var update = snapshot(state: .succeeded, lastEventId: 30)
        update.updateOf = "dep_0"
        update.resources = [
            CreatedResource(kind: "worker_script", id: "tf-1-api", name: "tf-1-api", created: false, step: .uploadWorkers),
            CreatedResource(kind: "worker_script", id: "tf-1-jobs", name: "tf-1-jobs", created: true, step: .uploadWorkers),
            CreatedResource(kind: "worker_version", id: "tf-1-api/v1", name: "tf-1-api", created: true, step: .uploadWorkers),
            CreatedResource(kind: "worker_version", id: "tf-1-site/v1", name: "tf-1-site", created: true, step: .uploadWorkers),
        ]
        _ = pane.receive(.response(start[0].0, .success(.deployment(update))), &ctx)
        _ = F.press(.char("x"), &pane, &ctx)
        XCTAssertEqual(pane.prompt, .confirmRollback)
        for (width, height) in [(80, 24), (120, 40)] {
            let modal = F.render(pane, width: width, height: height)
            XCTAssertTrue(modal.contains("(1 resource), newest first"), modal)
            XCTAssertTrue(modal.contains("The 2 Workers it updated serve their previous version"), modal)
            XCTAssertTrue(modal.contains("again; database migrations it applied stay."), modal)
        }

        var onlySwitched = DeployProgressPane(deploymentId: "dep_1", listingTitle: "InvoiceBot", initialState: .queued)
        let loaded = F.requests(onlySwitched.start(&ctx))
        update.resources.removeAll { $0.kind == "worker_script" && $0.created }
        _ = onlySwitched.receive(.response(loaded[0].0, .success(.deployment(update))), &ctx)
        _ = F.press(.char("x"), &onlySwitched, &ctx)
        let switchOnly = F.render(onlySwitched, width: 80, height: 24)
        XCTAssertTrue(switchOnly.contains("Serve the previous version of the 2 Workers this"), switchOnly)
        XCTAssertFalse(switchOnly.contains("(0 resources)"), switchOnly)

        var plain = DeployProgressPane(deploymentId: "dep_1", listingTitle: "InvoiceBot", initialState: .queued)
        let load = F.requests(plain.start(&ctx))
        var first = snapshot(state: .succeeded, lastEventId: 30)
        first.resources = [CreatedResource(kind: "worker_script", id: "tf-1-api", name: "tf-1-api", created: true, step: .uploadWorkers)]
        _ = plain.receive(.response(load[0].0, .success(.deployment(first))), &ctx)
        _ = F.press(.char("x"), &plain, &ctx)
        XCTAssertFalse(F.render(plain, width: 80, height: 24).contains("previous version"), "a first deployment has no previous version")

        var rolled = DeployProgressPane(deploymentId: "dep_1", listingTitle: "InvoiceBot")
        let again = F.requests(rolled.start(&ctx))
        var done = snapshot(state: .rolledBack, lastEventId: 40)
        done.updateOf = "dep_0"
        done.lastMessage = "Rolled back: 1 resource removed; 1 Worker serves its previous version again; tf-1-api: its previous version v1 no longer exists on Cloudflare, so it keeps serving the updated version"
        _ = rolled.receive(.response(again[0].0, .success(.deployment(done))), &ctx)
        let text = F.render(rolled, width: 240, height: 30)
        XCTAssertTrue(text.contains("Rolled back: what this update added has been removed; database migrations it applied stay."), text)
        XCTAssertTrue(text.contains("tf-1-api: its previous version v1 no longer exists on Cloudflare"), text)
        XCTAssertFalse(text.contains("its Workers serve their previous version again"), "not claimed when one could not be")

        var clean = DeployProgressPane(deploymentId: "dep_1", listingTitle: "InvoiceBot")
        let third = F.requests(clean.start(&ctx))
        done.lastMessage = "Rolled back: 1 resource removed; 2 Workers serve their previous version again"
        _ = clean.receive(.response(third[0].0, .success(.deployment(done))), &ctx)
        let narrow = F.render(clean, width: 80, height: 24)
        XCTAssertTrue(narrow.contains("Rolled back: what this update added has been removed and its Workers serve"), narrow)
        XCTAssertTrue(narrow.contains("their previous version again; database migrations it applied stay."), narrow)
    }

    func testDetachStopsFollowingAndLeavesThePane() {
        var (pane, ctx, sub) = attachedPane()
        let commands = F.press(.char("d"), &pane, &ctx)
        XCTAssertTrue(commands.contains { if case .unsubscribe(sub) = $0 { true } else { false } })
        XCTAssertTrue(commands.contains { if case .pop = $0 { true } else { false } })
        var (other, c2, sub2) = attachedPane()
        let esc = F.press(.escape, &other, &c2)
        XCTAssertTrue(esc.contains { if case .unsubscribe(sub2) = $0 { true } else { false } }, "Esc detaches too")
    }
}
