import Synchronization
import TechFlunkyClient
import TechFlunkyCore

// Subscriptions: the Elm architecture's long-lived effects. A pane asks for one with `PaneCommand.subscribe`,
// the `EffectRunner` runs it in a task and posts every update as `Message.subscription(id, update)`, and the
// pane ends it with `.unsubscribe` when it goes away. The deployment progress pane is the one user: it follows
// a deployment's event stream, which the client resumes across broken connections and checks for order.

/// Identifies one subscription, so its updates reach the pane that asked and it can be cancelled.
public struct SubscriptionID: Hashable, Sendable, CustomStringConvertible {
    public let value: Int
    public init(_ value: Int) { self.value = value }
    public var description: String { "sub#\(value)" }
}

/// A long-lived source of updates.
public enum Subscription: Hashable, Sendable {
    /// The events of a deployment after event number `after` (0 = from the start).
    case deploymentEvents(deploymentId: String, after: Int)
    /// The signed-in account's notifications after id `after`, and the unread count, live.
    case notifications(after: Int)
}

/// What a subscription delivers.
public enum SubscriptionUpdate: Sendable, Hashable {
    /// The next update of a deployment's feed, as the client's stream yields it (Core's type, unwrapped).
    case deployment(DeploymentStreamUpdate)
    /// A notification, the unread count, or the stream's connection state.
    case notifications(NotificationStreamUpdate)
    /// The source ended normally (a deployment reached a final state).
    case finished
    /// The source failed in a way retrying cannot fix (signed out, deployment not found).
    case failed(ServiceFailure)
}

/// The running subscription tasks by id, so `unsubscribe` can cancel one.
public final class SubscriptionTasks: Sendable {
    private let tasks = Mutex<[SubscriptionID: Task<Void, Never>]>([:])
    /// Cancelled tasks that have not returned yet: until one returns it could still be about to post.
    private let stopping = Mutex<[SubscriptionID: Task<Void, Never>]>([:])

    public init() {}

    func start(_ id: SubscriptionID, _ task: Task<Void, Never>) {
        tasks.withLock { $0[id]?.cancel(); $0[id] = task }
    }

    func finished(_ id: SubscriptionID) {
        _ = tasks.withLock { $0.removeValue(forKey: id) }
        _ = stopping.withLock { $0.removeValue(forKey: id) }
    }

    func cancel(_ id: SubscriptionID) {
        guard let task = tasks.withLock({ $0.removeValue(forKey: id) }) else { return }
        stopping.withLock { $0[id] = task }
        task.cancel()
    }

    /// Returns once every cancelled subscription's task has returned, so nothing more can be posted for it
    /// (for tests, which check that a cancelled subscription stays silent).
    public func cancelledTasksReturned() async {
        for task in stopping.withLock({ Array($0.values) }) { await task.value }
    }

    /// How many run now (for tests).
    public var count: Int { tasks.withLock { $0.count } }
}

