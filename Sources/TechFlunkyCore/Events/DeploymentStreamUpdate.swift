import Foundation

/// One element of a deployment's live feed, as the client's `DeploymentEventStream` yields it and as it reaches
/// the UI's progress pane unchanged: the events themselves, in order, each exactly once, and word about the
/// connection so a UI can say "reconnecting…".
public enum DeploymentStreamUpdate: Sendable, Hashable {
    case event(DeploymentEvent)
    /// The platform has been unreachable since `since` (`attempts` failed connections); yielded once per outage.
    case reconnecting(since: Date, attempts: Int, reason: String)
    /// The connection is back after a `reconnecting`.
    case reconnected
    /// The server could not replay the missing events (the gap persisted across reconnects); here is the whole
    /// current state instead. Events continue from `deployment.lastEventId`.
    case resynchronized(Deployment)
}
