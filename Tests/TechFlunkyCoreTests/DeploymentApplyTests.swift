import Foundation
import XCTest
import TechFlunkyCore

/// `Deployment.apply(event)`: the one rule the platform's recorder and the UI's progress model share.
final class DeploymentApplyTests: XCTestCase {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    private func fresh() -> Deployment {
        Deployment(id: "dep_1", orderId: "ord_1", listingSlug: "shop", accountId: "acc", domain: nil, state: .queued,
                   steps: DeploymentStepKind.allCases.map { DeploymentStep(kind: $0) }, resources: [], url: nil,
                   lastMessage: nil, lastEventId: 0, createdAt: t0, updatedAt: t0)
    }

    private func event(_ seq: Int, _ kind: DeploymentEvent.Kind, step: DeploymentStepKind? = nil, stepState: StepState? = nil,
                       state: DeploymentState? = nil, message: String? = nil, at offset: TimeInterval = 0) -> DeploymentEvent {
        DeploymentEvent(seq: seq, deploymentId: "dep_1", kind: kind, at: t0.addingTimeInterval(offset), state: state,
                        step: step, stepState: stepState, message: message)
    }

    func testOrderIsCheckedBeforeAnythingChanges() {
        var d = fresh()
        XCTAssertEqual(d.apply(event(1, .deployment, state: .running, message: "Deploying")), .applied)
        XCTAssertEqual(d.apply(event(1, .deployment, state: .failed)), .duplicate)
        XCTAssertEqual(d.apply(event(3, .deployment, state: .failed)), .gap(expected: 2, received: 3))
        var other = event(2, .deployment, state: .failed)
        other.deploymentId = "dep_2"
        XCTAssertEqual(d.apply(other), .foreign)
        XCTAssertEqual(d.state, .running)
        XCTAssertEqual(d.lastEventId, 1)
        XCTAssertEqual(event(2, .log).order(after: 1), .next)
    }

    func testLastMessageIsTheNewestThingSaid() {
        var d = fresh()
        d.apply(event(1, .deployment, state: .running, message: "Deploying"))
        XCTAssertEqual(d.lastMessage, "Deploying")
        d.apply(event(2, .step, step: .verifyCredentials, stepState: .running, message: DeploymentStepKind.verifyCredentials.title))
        XCTAssertEqual(d.lastMessage, "Step 1: Verify Cloudflare credentials")
        d.apply(event(3, .log, step: .verifyCredentials, message: "API token is active"))
        XCTAssertEqual(d.lastMessage, "API token is active")
        let resource = CreatedResource(kind: "d1_database", id: "u1", name: "shop-db", created: true, step: .createDatabases)
        var created = event(4, .resource, step: .createDatabases, message: DeploymentEvent.resourceMessage(resource, removed: false))
        created.resource = resource
        d.apply(created)
        XCTAssertEqual(d.lastMessage, "API token is active", "a resource event does not speak over the log")
        XCTAssertEqual(d.step(.createDatabases)?.log, ["Created d1_database shop-db"], "what a step made is in its log")
        XCTAssertEqual(d.resources, [resource])
        var removed = event(5, .resource, step: .createDatabases, message: DeploymentEvent.resourceMessage(resource, removed: true))
        removed.resource = resource
        removed.removed = true
        d.apply(removed)
        XCTAssertEqual(d.resources, [])
        XCTAssertEqual(d.step(.createDatabases)?.log.last, "Removed d1_database shop-db")
    }

    func testResourceMessagesSayWhatHappensToAnAdoptedResourceAndAnUpdatesWorkerSwitch() {
        let switched = CreatedResource(kind: "worker_version", id: "tf-1-api/3f2a-v1", name: "tf-1-api", created: true, step: .uploadWorkers)
        XCTAssertEqual(DeploymentEvent.resourceMessage(switched, removed: false), "Recorded worker_version tf-1-api: served 3f2a-v1 before this update")
        XCTAssertEqual(DeploymentEvent.resourceMessage(switched, removed: true), "Cleared the record of tf-1-api's previous version 3f2a-v1")
        let adopted = CreatedResource(kind: "worker_script", id: "tf-1-api", name: "tf-1-api", created: false, step: .uploadWorkers)
        XCTAssertEqual(DeploymentEvent.resourceMessage(adopted, removed: false), "Adopted worker_script tf-1-api")
        XCTAssertEqual(DeploymentEvent.resourceMessage(adopted, removed: true), "Let go of worker_script tf-1-api (it stays in your account)")
        var created = adopted
        created.created = true
        XCTAssertEqual(DeploymentEvent.resourceMessage(created, removed: true), "Removed worker_script tf-1-api")
    }

    func testAStepKeepsItsNewestLogLinesOnly() {
        var d = fresh()
        for seq in 1...(Deployment.stepLogLimit + 5) {
            d.apply(event(seq, .log, step: .uploadWorkers, message: "line \(seq)"))
        }
        let log = d.step(.uploadWorkers)?.log ?? []
        XCTAssertEqual(log.count, Deployment.stepLogLimit)
        XCTAssertEqual(log.first, "line 6")
        XCTAssertEqual(log.last, "line \(Deployment.stepLogLimit + 5)")
    }

    func testAFinishedStepKeepsItsMessageUnlessANewOneComesAndARetryClearsFailures() {
        var d = fresh()
        d.apply(event(1, .deployment, state: .running))
        d.apply(event(2, .step, step: .verifyCredentials, stepState: .running, message: "Verify", at: 1))
        d.apply(event(3, .step, step: .verifyCredentials, stepState: .succeeded, at: 2.5))
        XCTAssertEqual(d.step(.verifyCredentials)?.message, "Verify")
        XCTAssertEqual(d.step(.verifyCredentials)?.finishedAt, t0.addingTimeInterval(2.5))
        var failed = event(4, .step, step: .createNamespace, stepState: .failed, message: "no", at: 3)
        failed.errorCode = 10000
        d.apply(failed)
        XCTAssertEqual(d.step(.createNamespace)?.startedAt, t0.addingTimeInterval(3), "a step that failed at once still has a start")
        d.apply(event(5, .deployment, state: .failed, message: "Step 2 failed"))
        d.apply(event(6, .deployment, state: .running, message: "Resuming from step 2"))
        XCTAssertEqual(d.step(.createNamespace)?.state, .pending)
        XCTAssertNil(d.step(.createNamespace)?.message)
        XCTAssertNil(d.step(.createNamespace)?.errorCode)
        XCTAssertEqual(d.step(.verifyCredentials)?.state, .succeeded)
    }
}
