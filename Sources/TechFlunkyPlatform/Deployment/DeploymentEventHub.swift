import Foundation
import NIOCore
import Synchronization
import TechFlunkyCore

/// Announces deployment events after they are stored.
public protocol DeploymentEventPublisher: Sendable {
    func publish(_ event: DeploymentEvent) async
}

/// In-process fan-out of deployment events to everyone watching (SSE streams).
///
/// A watcher registers a handler per deployment id; `publish` calls each handler synchronously, in one loop.
/// A caught-up SSE watcher's handler queues the frame's bytes straight onto its connection (one event-loop
/// write and flush, no task of its own woken), so an event to 2,000 watchers costs 2,000 writes and nothing
/// per watcher besides. The hub keeps no history: the store's event log is the source for replay, and a
/// watcher subscribes *before* reading the log so nothing falls between the two.
public actor DeploymentEventHub: DeploymentEventPublisher {
    public typealias Handler = @Sendable (Delivery) -> Void

    /// One event as delivered: the value and its SSE frame, encoded once for every watcher (as text, and as the
    /// bytes every connection is sent: the same buffer, shared, never copied per watcher).
    public struct Delivery: Sendable {
        public let event: DeploymentEvent
        public let frame: String
        public let bytes: ByteBuffer
        /// Whether a final event really ended the deployment is read from the store once per delivery, however
        /// many watchers ask (each would otherwise load the deployment at the same moment).
        let finished: SharedCheck

        init(event: DeploymentEvent) {
            self.event = event
            frame = DeploymentEventStream.encode(event)
            bytes = ByteBuffer(string: frame)
            finished = SharedCheck()
        }
    }

    /// A `Bool` computed once by whichever caller asks first; later callers await the same answer.
    final class SharedCheck: Sendable {
        private let task = Mutex<Task<Bool, any Error>?>(nil)

        func value(_ compute: @escaping @Sendable () async throws -> Bool) async throws -> Bool {
            let running = task.withLock { task in
                if let task { return task }
                let started = Task { try await compute() }
                task = started
                return started
            }
            return try await running.value
        }
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
        let delivery = Delivery(event: event)
        for handler in list.values { handler(delivery) }
    }

    /// How many watchers a deployment has (tests, diagnostics).
    public func watcherCount(deploymentId: String) -> Int { handlers[deploymentId]?.count ?? 0 }
}
