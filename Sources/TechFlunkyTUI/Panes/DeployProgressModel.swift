import Foundation
import TechFlunkyCore

/// A deployment as the progress pane knows it: the platform's snapshot with the numbered events applied on top,
/// in order, each once. Pure: the pane feeds it snapshots and events and reads it to render.
///
/// The event stream already resumes without gaps or repeats; this model still checks sequence numbers itself,
/// because a snapshot and a stream can overlap (a snapshot taken after some events were streamed) and because
/// showing a step twice or out of order is the one thing this pane must never do.
public struct DeployProgressModel: Sendable, Hashable {
    public var deploymentId: String
    public var orderId: String?
    public var listingSlug: String?
    /// The Cloudflare account deployed into (from the snapshot): a retry or rollback sends it with the token.
    public var accountId: String?
    public var domain: String?
    public var state: DeploymentState?
    /// Always the nine steps, in `DeploymentStepKind` order.
    public private(set) var steps: [DeploymentStep]
    public private(set) var resources: [CreatedResource] = []
    public var url: String?
    public var lastMessage: String?
    /// Sequence number of the newest event applied (0 before any); the stream resumes after it.
    public private(set) var lastEventId = 0
    /// Whether a snapshot or event has arrived yet.
    public private(set) var isLoaded = false

    /// What applying an event did.
    public enum EventOutcome: Equatable, Sendable {
        case applied
        /// Already applied (its number is not above `lastEventId`); ignored.
        case duplicate
        /// Events are missing between `lastEventId` and this one: nothing applied, fetch a snapshot.
        case gap(expected: Int, received: Int)
        /// For another deployment; ignored.
        case foreign
    }

    public init(deploymentId: String) {
        self.deploymentId = deploymentId
        steps = DeploymentStepKind.allCases.map { DeploymentStep(kind: $0) }
    }

    /// Takes a snapshot unless it is older than what the events already told (its `lastEventId` below ours).
    public mutating func apply(snapshot: Deployment) {
        guard snapshot.id == deploymentId, snapshot.lastEventId >= lastEventId || !isLoaded else { return }
        orderId = snapshot.orderId
        listingSlug = snapshot.listingSlug
        accountId = snapshot.accountId
        domain = snapshot.domain
        state = snapshot.state
        steps = DeploymentStepKind.allCases.map { kind in
            snapshot.steps.first { $0.kind == kind } ?? DeploymentStep(kind: kind)
        }
        resources = snapshot.resources
        url = snapshot.url
        lastMessage = snapshot.lastMessage
        lastEventId = snapshot.lastEventId
        isLoaded = true
    }

    @discardableResult
    public mutating func apply(_ event: DeploymentEvent) -> EventOutcome {
        guard event.deploymentId == deploymentId else { return .foreign }
        guard event.seq > lastEventId else { return .duplicate }
        guard event.seq == lastEventId + 1 else { return .gap(expected: lastEventId + 1, received: event.seq) }
        lastEventId = event.seq
        isLoaded = true
        switch event.kind {
        case .deployment:
            if let newState = event.state {
                if newState == .running && (state == .failed || state == .interrupted) {
                    // A retry: the failed step's message and code belong to the last run.
                    for i in steps.indices where steps[i].state == .failed {
                        steps[i].state = .pending
                        steps[i].message = nil
                        steps[i].errorCode = nil
                    }
                }
                state = newState
            }
            if let message = event.message { lastMessage = message }
            if let eventURL = event.url { url = eventURL }
        case .step:
            guard let kind = event.step, let stepState = event.stepState,
                  let i = steps.firstIndex(where: { $0.kind == kind }) else { break }
            steps[i].state = stepState
            switch stepState {
            case .running:
                steps[i].startedAt = event.at
                steps[i].finishedAt = nil
                steps[i].message = event.message
                steps[i].errorCode = nil
            case .waiting:
                if steps[i].startedAt == nil { steps[i].startedAt = event.at }
                steps[i].message = event.message ?? steps[i].message
            case .succeeded, .failed, .skipped:
                if steps[i].startedAt == nil { steps[i].startedAt = event.at }
                steps[i].finishedAt = event.at
                steps[i].message = event.message ?? steps[i].message
                steps[i].errorCode = event.errorCode
            case .pending:
                // Rolled back or reset for a retry.
                steps[i].startedAt = nil
                steps[i].finishedAt = nil
                steps[i].message = event.message
                steps[i].errorCode = nil
            }
            if let message = event.message { lastMessage = message }
        case .log:
            guard let kind = event.step, let message = event.message,
                  let i = steps.firstIndex(where: { $0.kind == kind }) else { break }
            steps[i].log.append(message)
        case .resource:
            if let resource = event.resource {
                resources.removeAll { $0.kind == resource.kind && $0.id == resource.id }
                // The platform announces a removal (rollback) with the same kind of event, worded "Removed …".
                if !(event.message?.hasPrefix("Removed ") ?? false) { resources.append(resource) }
            }
            // What was created, adopted or removed belongs in the step's log too: it is what the step did.
            if let message = event.message, let kind = event.step ?? event.resource?.step,
               let i = steps.firstIndex(where: { $0.kind == kind }) {
                steps[i].log.append(message)
            }
        }
        if let eventURL = event.url { url = eventURL }
        return .applied
    }

    /// The step running now, if any.
    public var runningStep: DeploymentStepKind? { steps.first { $0.state == .running || $0.state == .waiting }?.kind }

    /// The step that failed, with its message and Cloudflare code.
    public var failedStep: DeploymentStep? { steps.first { $0.state == .failed } }

    /// Steps done (succeeded or skipped) out of nine.
    public var completedCount: Int { steps.filter { $0.state == .succeeded || $0.state == .skipped }.count }

    /// 0…1 for the overall bar.
    public var fractionComplete: Double { Double(completedCount) / Double(steps.count) }

    /// How long a step ran, or has run so far while it runs.
    public func elapsed(_ step: DeploymentStep, now: Date) -> TimeInterval? {
        guard let started = step.startedAt else { return nil }
        return max(0, (step.finishedAt ?? (step.state == .running || step.state == .waiting ? now : started)).timeIntervalSince(started))
    }

    /// The step the pane selects by default: the running one, else the failed one, else the last that ran.
    public var focusStep: DeploymentStepKind {
        if let running = runningStep { return running }
        if let failed = failedStep { return failed.kind }
        return steps.last { $0.state != .pending }?.kind ?? .verifyCredentials
    }
}
