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
    /// Log lines kept per step in the snapshot (the event log keeps them all).
    static let stepLogLimit = 200

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
        try await record(kind: .deployment) { d, e in
            d.state = state
            if let message { d.lastMessage = message }
            e.state = state
            e.message = message
            e.url = d.url
        }
    }

    func stepStarted(_ kind: DeploymentStepKind) async throws {
        try await record(kind: .step) { d, e in
            let now = e.at
            d.updateStep(kind) { s in
                s.state = .running
                s.startedAt = now
                s.finishedAt = nil
                s.message = nil
                s.errorCode = nil
            }
            d.lastMessage = "Step \(kind.number): \(kind.title)"
            e.step = kind
            e.stepState = .running
            e.message = kind.title
        }
    }

    func log(_ kind: DeploymentStepKind, _ line: String) async throws {
        try await record(kind: .log) { d, e in
            d.updateStep(kind) { s in
                s.log.append(line)
                if s.log.count > Self.stepLogLimit { s.log.removeFirst(s.log.count - Self.stepLogLimit) }
            }
            d.lastMessage = line
            e.step = kind
            e.message = line
        }
    }

    /// The step has done its part and waits on Cloudflare (a certificate): shown as a state, not a failure.
    func stepWaiting(_ kind: DeploymentStepKind, _ message: String) async throws {
        try await record(kind: .step) { d, e in
            d.updateStep(kind) { s in
                s.state = .waiting
                s.message = message
            }
            d.lastMessage = message
            e.step = kind
            e.stepState = .waiting
            e.message = message
        }
    }

    func stepFinished(_ kind: DeploymentStepKind, state: StepState, message: String?, errorCode: Int? = nil) async throws {
        try await record(kind: .step) { d, e in
            let now = e.at
            d.updateStep(kind) { s in
                s.state = state
                s.finishedAt = now
                s.message = message
                s.errorCode = errorCode
            }
            if let message { d.lastMessage = message }
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
        try await record(kind: .resource) { d, e in
            d.resources.removeAll { $0.kind == resource.kind && $0.id == resource.id }
            d.resources.append(resource)
            e.step = resource.step
            e.resource = resource
            e.message = "\(resource.created ? "Created" : "Adopted") \(resource.kind) \(resource.name)"
        }
    }

    func removeResource(_ resource: CreatedResource) async throws {
        try await record(kind: .resource) { d, e in
            d.resources.removeAll { $0.kind == resource.kind && $0.id == resource.id }
            e.step = resource.step
            e.resource = resource
            e.message = "Removed \(resource.kind) \(resource.name)"
        }
    }

    func setURL(_ url: String) async throws {
        try await record(kind: .log) { d, e in
            d.url = url
            e.step = .configureDomain
            e.url = url
            e.message = "The business will answer at \(url)"
        }
    }

    /// Applies one change, writes it with its event, then announces the event.
    private func record(kind: DeploymentEvent.Kind, _ change: (inout Deployment, inout DeploymentEvent) -> Void) async throws {
        var next = stored
        let now = clock.now()
        var event = DeploymentEvent(seq: next.deployment.lastEventId + 1, deploymentId: next.deployment.id, kind: kind, at: now)
        change(&next.deployment, &event)
        next.deployment.lastEventId = event.seq
        next.deployment.updatedAt = now
        try await store.commit(next, events: [event])
        stored = next
        await publisher.publish(event)
    }
}

extension Deployment {
    mutating func updateStep(_ kind: DeploymentStepKind, _ change: (inout DeploymentStep) -> Void) {
        if let i = steps.firstIndex(where: { $0.kind == kind }) {
            change(&steps[i])
        } else {
            var step = DeploymentStep(kind: kind)
            change(&step)
            steps.append(step)
        }
    }

    func step(_ kind: DeploymentStepKind) -> DeploymentStep? { steps.first { $0.kind == kind } }
}
