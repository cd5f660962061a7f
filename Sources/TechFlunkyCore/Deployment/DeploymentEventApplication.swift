import Foundation

// How a numbered `DeploymentEvent` changes a `Deployment`: the one rule the platform's recorder (which writes the
// snapshot) and the terminal UI's progress pane (which follows the stream) both apply, so a snapshot and a replay
// of its events agree.

/// Where an event stands against the newest one already seen: the next one, one seen before, or one past a gap.
/// The client's event stream (to resume and detect gaps) and `Deployment.apply` both ask this, and nothing else
/// decides it.
public enum DeploymentEventOrder: Equatable, Sendable {
    case next
    /// Its number is not above the newest seen (a replay after a reconnect, or an overlap with a snapshot).
    case duplicate
    /// Events are missing between the newest seen and this one.
    case gap(expected: Int, received: Int)
}

extension DeploymentEvent {
    /// Where this event stands after event number `lastSeq` (0: none seen yet).
    public func order(after lastSeq: Int) -> DeploymentEventOrder {
        if seq <= lastSeq { return .duplicate }
        if seq != lastSeq + 1 { return .gap(expected: lastSeq + 1, received: seq) }
        return .next
    }

    /// The message of a resource event: "Created …", "Adopted …" or "Removed …".
    public static func resourceMessage(_ resource: CreatedResource, removed: Bool) -> String {
        if resource.isWorkerVersion {
            // The switch, not a new object, is what is recorded.
            let previous = resource.switchedWorker.previousVersion
            return removed ? "Cleared the record of \(resource.name)'s previous version \(previous)"
                : "Recorded worker_version \(resource.name): served \(previous) before this update"
        }
        // An adopted resource is only forgotten: it stays in the buyer's account.
        if removed && !resource.created { return "Let go of \(resource.kind) \(resource.name) (it stays in your account)" }
        let verb = removed ? "Removed" : (resource.created ? "Created" : "Adopted")
        return "\(verb) \(resource.kind) \(resource.name)"
    }

    /// Whether this resource event announces a removal rather than a creation or adoption (the wire's `removed`).
    public var removesResource: Bool { kind == .resource && removed == true }
}

extension Deployment {
    /// Log lines kept per step in a snapshot (the event log keeps them all; the UI shows far fewer).
    public static let stepLogLimit = 200

    /// What applying an event did.
    public enum EventOutcome: Equatable, Sendable {
        case applied
        /// Already applied (its number is not above `lastEventId`); ignored.
        case duplicate
        /// Events are missing between `lastEventId` and this one: nothing applied (fetch a snapshot).
        case gap(expected: Int, received: Int)
        /// For another deployment; ignored.
        case foreign
    }

    /// Applies the next numbered event: checks its order against `lastEventId` (`DeploymentEvent.order`), then
    /// changes the state, the steps, the resources, the URL and `lastMessage` as the event says, and advances
    /// `lastEventId`. Anything out of order is left unapplied and reported.
    ///
    /// - `lastMessage` is the newest thing said: a state change's or finished step's message, a log line, and
    ///   "Step N: title" when a step starts; resource events leave it alone.
    /// - A resource event's message ("Created …", "Removed …") is also a line of its step's log: it is what the
    ///   step did. Each step keeps its newest `stepLogLimit` lines.
    /// - `running` after `failed`/`interrupted` is a retry: the failed steps' message and code belong to the last
    ///   run and are cleared.
    @discardableResult
    public mutating func apply(_ event: DeploymentEvent) -> EventOutcome {
        guard event.deploymentId == id else { return .foreign }
        switch event.order(after: lastEventId) {
        case .duplicate: return .duplicate
        case let .gap(expected, received): return .gap(expected: expected, received: received)
        case .next: break
        }
        lastEventId = event.seq
        switch event.kind {
        case .deployment:
            if let newState = event.state {
                if newState == .running && (state == .failed || state == .interrupted) {
                    for i in steps.indices where steps[i].state == .failed {
                        steps[i].state = .pending
                        steps[i].message = nil
                        steps[i].errorCode = nil
                    }
                }
                state = newState
            }
            if let message = event.message { lastMessage = message }
        case .step:
            guard let kind = event.step, let stepState = event.stepState else { break }
            let at = event.at
            updateStep(kind) { step in
                step.state = stepState
                switch stepState {
                case .running:
                    step.startedAt = at
                    step.finishedAt = nil
                    step.message = event.message
                    step.errorCode = nil
                case .waiting:
                    if step.startedAt == nil { step.startedAt = at }
                    step.message = event.message ?? step.message
                case .succeeded, .failed, .skipped:
                    if step.startedAt == nil { step.startedAt = at }
                    step.finishedAt = at
                    step.message = event.message ?? step.message
                    step.errorCode = event.errorCode
                case .pending:
                    // Rolled back or reset for a retry.
                    step.startedAt = nil
                    step.finishedAt = nil
                    step.message = event.message
                    step.errorCode = nil
                }
            }
            if stepState == .running {
                lastMessage = "Step \(kind.number): \(kind.title)"
            } else if let message = event.message {
                lastMessage = message
            }
        case .log:
            guard let kind = event.step, let message = event.message else { break }
            appendLog(message, to: kind)
            lastMessage = message
        case .resource:
            if let resource = event.resource {
                resources.removeAll { $0.kind == resource.kind && $0.id == resource.id }
                if !event.removesResource { resources.append(resource) }
            }
            if let message = event.message, let kind = event.step ?? event.resource?.step {
                appendLog(message, to: kind)
            }
        }
        if let eventURL = event.url { url = eventURL }
        return .applied
    }

    private mutating func appendLog(_ line: String, to kind: DeploymentStepKind) {
        updateStep(kind) { step in
            step.log.append(line)
            if step.log.count > Self.stepLogLimit { step.log.removeFirst(step.log.count - Self.stepLogLimit) }
        }
    }

    /// Changes the step of that kind, adding it (in no particular place) when the snapshot lacks it.
    public mutating func updateStep(_ kind: DeploymentStepKind, _ change: (inout DeploymentStep) -> Void) {
        if let i = steps.firstIndex(where: { $0.kind == kind }) {
            change(&steps[i])
        } else {
            var step = DeploymentStep(kind: kind)
            change(&step)
            steps.append(step)
        }
    }

    public func step(_ kind: DeploymentStepKind) -> DeploymentStep? { steps.first { $0.kind == kind } }
}
