import Foundation
import TechFlunkyCore

/// Owns one deployment's snapshot while a run changes it. Every change becomes one numbered event:
/// the new snapshot and the event are written to the store in one transaction, and only then
/// announced, so a watcher never sees an event that a restart could lose, and `seq` has no gaps.
actor DeploymentRecorder {
    private(set) var stored: StoredDeployment
    private let store: any DeploymentStore
    private let publisher: any DeploymentEventPublisher
    private let clock: any PlatformClock

    init(stored: StoredDeployment, store: any DeploymentStore, publisher: any DeploymentEventPublisher, clock: any PlatformClock) {
        self.stored = stored
        self.store = store
        self.publisher = publisher
        self.clock = clock
    }

    var deployment: Deployment { stored.deployment }
    var id: String { stored.deployment.id }

    func setNamespace(_ namespace: String) async throws {
        stored.namespace = namespace
        // No event of its own: the step's log line that follows announces it and commits it.
    }

    func setState(_ state: DeploymentState, message: String? = nil) async throws {
        let url = stored.deployment.url
        try await record(kind: .deployment) { e in
            e.state = state
            e.message = message
            e.url = url
        }
    }

    func stepStarted(_ kind: DeploymentStepKind) async throws {
        try await record(kind: .step) { e in
            e.step = kind
            e.stepState = .running
            e.message = kind.title
        }
    }

    func log(_ kind: DeploymentStepKind, _ line: String) async throws {
        try await record(kind: .log) { e in
            e.step = kind
            e.message = line
        }
    }

    /// The step has done its part and waits on Cloudflare (a certificate): shown as a state, not a failure.
    func stepWaiting(_ kind: DeploymentStepKind, _ message: String) async throws {
        try await record(kind: .step) { e in
            e.step = kind
            e.stepState = .waiting
            e.message = message
        }
    }

    func stepFinished(_ kind: DeploymentStepKind, state: StepState, message: String?, errorCode: Int? = nil) async throws {
        try await record(kind: .step) { e in
            e.step = kind
            e.stepState = state
            e.message = message
            e.errorCode = errorCode
        }
    }

    /// Resets steps to pending without events of their own (the retry's `running` event follows).
    func resetSteps(_ kinds: [DeploymentStepKind]) {
        for kind in kinds {
            stored.deployment.updateStep(kind) { s in
                s.state = .pending
                s.startedAt = nil
                s.finishedAt = nil
                s.message = nil
                s.errorCode = nil
            }
        }
    }

    func addResource(_ resource: CreatedResource) async throws {
        try await record(kind: .resource) { e in
            e.step = resource.step
            e.resource = resource
            e.message = DeploymentEvent.resourceMessage(resource, removed: false)
        }
    }

    func removeResource(_ resource: CreatedResource) async throws {
        try await record(kind: .resource) { e in
            e.step = resource.step
            e.resource = resource
            e.message = DeploymentEvent.resourceMessage(resource, removed: true)
        }
    }

    func setURL(_ url: String) async throws {
        try await record(kind: .log) { e in
            e.step = .configureDomain
            e.url = url
            e.message = "The business will answer at \(url)"
        }
    }

    /// Numbers the event `describe` fills in, applies it to the snapshot (`Deployment.apply`, the same rule the
    /// UI follows the stream with), writes both in one transaction, then announces the event.
    private func record(kind: DeploymentEvent.Kind, _ describe: (inout DeploymentEvent) -> Void) async throws {
        var next = stored
        let now = clock.now()
        var event = DeploymentEvent(seq: next.deployment.lastEventId + 1, deploymentId: next.deployment.id, kind: kind, at: now)
        describe(&event)
        let outcome = next.deployment.apply(event)
        // The recorder numbers its own events from the snapshot it owns, so nothing else can happen.
        precondition(outcome == .applied, "deployment \(next.deployment.id): event \(event.seq) was \(outcome)")
        next.deployment.updatedAt = now
        try await store.commit(next, events: [event])
        stored = next
        await publisher.publish(event)
    }
}
