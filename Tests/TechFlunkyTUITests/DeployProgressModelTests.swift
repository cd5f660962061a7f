import Foundation
import TechFlunkyCore
import XCTest
@testable import TechFlunkyTUI

final class DeployProgressModelTests: XCTestCase {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    private func event(_ seq: Int, _ kind: DeploymentEvent.Kind, step: DeploymentStepKind? = nil,
                       stepState: StepState? = nil, state: DeploymentState? = nil, message: String? = nil,
                       code: Int? = nil, at offset: TimeInterval = 0) -> DeploymentEvent {
        DeploymentEvent(seq: seq, deploymentId: "dep_1", kind: kind, at: t0.addingTimeInterval(offset), state: state,
                        step: step, stepState: stepState, message: message, errorCode: code)
    }

    func testEventsApplyInOrderOnceAndRepeatsAreIgnored() {
        var model = DeployProgressModel(deploymentId: "dep_1")
        XCTAssertEqual(model.apply(event(1, .deployment, state: .running)), .applied)
        XCTAssertEqual(model.apply(event(2, .step, step: .verifyCredentials, stepState: .running, at: 1)), .applied)
        XCTAssertEqual(model.apply(event(3, .log, step: .verifyCredentials, message: "token active", at: 1.5)), .applied)
        // A reconnect that replays an event must not log it twice.
        XCTAssertEqual(model.apply(event(3, .log, step: .verifyCredentials, message: "token active", at: 1.5)), .duplicate)
        XCTAssertEqual(model.apply(event(2, .step, step: .verifyCredentials, stepState: .running, at: 1)), .duplicate)
        XCTAssertEqual(model.steps[0].log, ["token active"])
        XCTAssertEqual(model.runningStep, .verifyCredentials)
        XCTAssertEqual(model.elapsed(model.steps[0], now: t0.addingTimeInterval(4)), 3)
        XCTAssertEqual(model.apply(event(4, .step, step: .verifyCredentials, stepState: .succeeded, at: 2.5)), .applied)
        XCTAssertEqual(model.elapsed(model.steps[0], now: t0.addingTimeInterval(100)), 1.5)
        XCTAssertEqual(model.completedCount, 1)
        XCTAssertEqual(model.lastEventId, 4)
    }

    func testWhatAStepCreatedIsInItsLogAndARemovalLeavesTheResourceList() {
        var model = DeployProgressModel(deploymentId: "dep_1")
        model.apply(event(1, .deployment, state: .running))
        let record = CreatedResource(kind: "dns_record", id: "z/1", name: "MX shop.x.dev", created: true, step: .configureDNS)
        var created = event(2, .resource, step: .configureDNS, message: "Created dns_record MX shop.x.dev")
        created.resource = record
        XCTAssertEqual(model.apply(created), .applied)
        let dns = model.steps.first { $0.kind == .configureDNS }
        XCTAssertEqual(dns?.log, ["Created dns_record MX shop.x.dev"], "the DNS step shows what it created, not “(no output)”")
        XCTAssertEqual(model.resources, [record])
        var worded = event(3, .resource, step: .configureDNS, message: "Removed dns_record MX shop.x.dev")
        worded.resource = record
        model.apply(worded)
        XCTAssertEqual(model.resources, [record], "only the wire's removed flag removes a resource, not the wording")
        var removed = event(4, .resource, step: .configureDNS, message: "Removed dns_record MX shop.x.dev")
        removed.resource = record
        removed.removed = true
        model.apply(removed)
        XCTAssertEqual(model.resources, [])
    }

    func testAGapIsReportedAndNothingIsApplied() {
        var model = DeployProgressModel(deploymentId: "dep_1")
        model.apply(event(1, .deployment, state: .running))
        XCTAssertEqual(model.apply(event(3, .step, step: .createNamespace, stepState: .running)), .gap(expected: 2, received: 3))
        XCTAssertEqual(model.steps[1].state, .pending)
        XCTAssertEqual(model.lastEventId, 1)
        XCTAssertEqual(model.apply(event(2, .deployment, state: .running)).self, .applied)
    }

    func testAStaleSnapshotDoesNotUndoNewerEvents() {
        var model = DeployProgressModel(deploymentId: "dep_1")
        for (i, e) in [event(1, .deployment, state: .running),
                       event(2, .step, step: .verifyCredentials, stepState: .running)].enumerated() {
            XCTAssertEqual(model.apply(e), .applied, "event \(i)")
        }
        let stale = Deployment(id: "dep_1", orderId: "ord_1", listingSlug: "shop", accountId: "a", domain: nil, state: .queued,
                               steps: [], resources: [], url: nil, lastMessage: nil, lastEventId: 0, createdAt: t0, updatedAt: t0)
        model.apply(snapshot: stale)
        XCTAssertEqual(model.state, .running)
        XCTAssertEqual(model.steps[0].state, .running)
        XCTAssertEqual(model.steps.map(\.kind), DeploymentStepKind.allCases, "nine steps, in order")
    }

    func testFailureKeepsMessageAndCodeAndARetryClearsThem() {
        var model = DeployProgressModel(deploymentId: "dep_1")
        model.apply(event(1, .deployment, state: .running))
        model.apply(event(2, .step, step: .verifyCredentials, stepState: .running))
        model.apply(event(3, .step, step: .verifyCredentials, stepState: .failed, message: "Invalid API Token", code: 1000))
        model.apply(event(4, .deployment, state: .failed, message: "Verify Cloudflare credentials failed"))
        XCTAssertEqual(model.failedStep?.kind, .verifyCredentials)
        XCTAssertEqual(model.failedStep?.errorCode, 1000)
        XCTAssertEqual(model.focusStep, .verifyCredentials)
        model.apply(event(5, .deployment, state: .running))
        XCTAssertNil(model.failedStep)
        XCTAssertEqual(model.steps[0].state, .pending)
    }
}
