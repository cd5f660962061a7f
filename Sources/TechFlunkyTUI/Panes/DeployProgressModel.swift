import Foundation
import TechFlunkyCore

/// A deployment as the progress pane knows it: the platform's snapshot with the numbered events applied on top by
/// `Deployment.apply` (Core: the same rule the platform's recorder writes snapshots with, and the one place an
/// event's order is checked). Pure: the pane feeds it snapshots and events and reads it to render.
///
/// A snapshot and the stream can overlap (a snapshot taken after some events were streamed), so an event already
/// applied is a `.duplicate` and a missing one a `.gap`; showing a step twice or out of order is the one thing
/// this pane must never do.
public struct DeployProgressModel: Sendable, Hashable {
    /// The deployment so far. Before any snapshot its ids are empty and it has nine pending steps.
    public private(set) var deployment: Deployment
    /// Whether the state is known (from a snapshot, an event, or what the pane was opened with).
    private var stateKnown = false
    /// Whether a snapshot or event has arrived yet.
    public private(set) var isLoaded = false

    public typealias EventOutcome = Deployment.EventOutcome

    public init(deploymentId: String) {
        let placeholderDate = Date(timeIntervalSince1970: 0)
        deployment = Deployment(id: deploymentId, orderId: "", listingSlug: "", accountId: "", domain: nil, state: .queued,
                                steps: DeploymentStepKind.allCases.map { DeploymentStep(kind: $0) }, resources: [], url: nil,
                                lastMessage: nil, lastEventId: 0, createdAt: placeholderDate, updatedAt: placeholderDate)
    }

    public var deploymentId: String { deployment.id }
    public var orderId: String? { deployment.orderId.isEmpty ? nil : deployment.orderId }
    public var listingSlug: String? { deployment.listingSlug.isEmpty ? nil : deployment.listingSlug }
    /// The Cloudflare account deployed into (from the snapshot): a retry or rollback sends it with the token.
    public var accountId: String? { deployment.accountId.isEmpty ? nil : deployment.accountId }
    public var domain: String? { deployment.domain }
    /// nil until a snapshot or a state event says (or the pane sets what it was opened with).
    public var state: DeploymentState? {
        get { stateKnown ? deployment.state : nil }
        set {
            stateKnown = newValue != nil
            if let newValue { deployment.state = newValue }
        }
    }
    /// Always the nine steps, in `DeploymentStepKind` order.
    public var steps: [DeploymentStep] { deployment.steps }
    public var resources: [CreatedResource] { deployment.resources }
    public var url: String? { deployment.url }
    public var lastMessage: String? { deployment.lastMessage }
    /// Sequence number of the newest event applied (0 before any); the stream resumes after it.
    public var lastEventId: Int { deployment.lastEventId }

    /// Takes a snapshot unless it is older than what the events already told (its `lastEventId` below ours).
    public mutating func apply(snapshot: Deployment) {
        guard snapshot.id == deploymentId, snapshot.lastEventId >= lastEventId || !isLoaded else { return }
        var taken = snapshot
        taken.steps = DeploymentStepKind.allCases.map { kind in
            snapshot.steps.first { $0.kind == kind } ?? DeploymentStep(kind: kind)
        }
        deployment = taken
        stateKnown = true
        isLoaded = true
    }

    @discardableResult
    public mutating func apply(_ event: DeploymentEvent) -> EventOutcome {
        let outcome = deployment.apply(event)
        if outcome == .applied {
            isLoaded = true
            if event.kind == .deployment, event.state != nil { stateKnown = true }
        }
        return outcome
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
