import Foundation
import TechFlunkyCore

/// What reaches this instance's event hub when several instances share the deployment store: the events this
/// instance's runs record, and those `PostgresDeploymentEventRelay` reads for the others' runs. Both come through
/// here, so each event is published to the local hub once, in order of `seq`, whichever arrives first: a run's own
/// event and the relay's copy of it (the relay hears every commit, its own instance's too) are the same event.
///
/// It remembers, per deployment, the last `seq` published: while the deployment is under way, and for the last
/// `finishedKept` deployments after their final event (the relay's copy of a final event comes after it). A gap — the relay missed a notice while reconnecting — is filled by the stream
/// itself from the store (`DeploymentEventStream`), as is a late duplicate, which it drops by `seq`.
actor DeploymentEventLedger: DeploymentEventPublisher {
    private let hub: DeploymentEventHub
    private var delivered: [String: Int] = [:]
    private var finished: [String: Int] = [:]
    private var finishedOrder: [String] = []
    static let finishedKept = 4096

    init(hub: DeploymentEventHub) { self.hub = hub }

    func publish(_ event: DeploymentEvent) async {
        await deliver([event])
    }

    /// Publishes those of `events` (one deployment's, oldest first) not yet published.
    func deliver(_ events: [DeploymentEvent]) async {
        for event in events {
            let id = event.deploymentId
            if let last = delivered[id] ?? finished[id], event.seq <= last { continue }
            if event.isFinal {
                delivered[id] = nil
                if finished.updateValue(event.seq, forKey: id) == nil { finishedOrder.append(id) }
                if finishedOrder.count > Self.finishedKept { finished[finishedOrder.removeFirst()] = nil }
            } else {
                delivered[id] = event.seq
            }
            await hub.publish(event)
        }
    }

    /// The last `seq` published for the deployment, if this instance has published any lately.
    func lastDelivered(_ deploymentId: String) -> Int? { delivered[deploymentId] ?? finished[deploymentId] }
}
