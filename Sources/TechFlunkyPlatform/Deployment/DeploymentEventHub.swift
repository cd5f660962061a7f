import Foundation
import TechFlunkyCore

/// Announces deployment events after they are stored.
public protocol DeploymentEventPublisher: Sendable {
    func publish(_ event: DeploymentEvent) async
}

/// In-process fan-out of deployment events to everyone watching (SSE streams).
///
/// A watcher registers a handler per deployment id; `publish` calls each handler synchronously
/// (handlers only yield into an `AsyncStream`, so this is a few microseconds per watcher and 200
/// watchers stay cheap). The hub keeps no history: the store's event log is the source for replay,
/// and a watcher subscribes *before* reading the log so nothing falls between the two.
public actor DeploymentEventHub: DeploymentEventPublisher {
    public typealias Handler = @Sendable (Delivery) -> Void

    /// One event as delivered: the value and its SSE frame, encoded once for every watcher.
    public struct Delivery: Sendable {
        public let event: DeploymentEvent
        public let frame: String
    }

    public struct Subscription: Sendable, Hashable {
        let deploymentId: String
        let id: UInt64
    }

    private var handlers: [String: [UInt64: Handler]] = [:]
    private var nextId: UInt64 = 0

    public init() {}

    public func subscribe(deploymentId: String, _ handler: @escaping Handler) -> Subscription {
        nextId += 1
        handlers[deploymentId, default: [:]][nextId] = handler
        return Subscription(deploymentId: deploymentId, id: nextId)
    }

    public func unsubscribe(_ subscription: Subscription) {
        handlers[subscription.deploymentId]?[subscription.id] = nil
        if handlers[subscription.deploymentId]?.isEmpty == true { handlers[subscription.deploymentId] = nil }
    }

    public func publish(_ event: DeploymentEvent) {
        guard let list = handlers[event.deploymentId] else { return }
        let delivery = Delivery(event: event, frame: DeploymentEventStream.encode(event))
        for handler in list.values { handler(delivery) }
    }

    /// How many watchers a deployment has (tests, diagnostics).
    public func watcherCount(deploymentId: String) -> Int { handlers[deploymentId]?.count ?? 0 }
}
