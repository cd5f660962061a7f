import Foundation
import TechFlunkyCore

/// A deployment as stored: the public snapshot plus what only the platform needs.
public struct StoredDeployment: Sendable, Hashable {
    public var deployment: Deployment
    /// The account that bought the order; only they may see or drive the deployment.
    public var buyerId: String
    /// Step 2's name prefix (`tf-1a2b3c4d`); nil until step 2 ran.
    public var namespace: String?

    public init(deployment: Deployment, buyerId: String, namespace: String? = nil) {
        self.deployment = deployment
        self.buyerId = buyerId
        self.namespace = namespace
    }
}

public enum DeploymentStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Someone else wrote this deployment's events since we last read it (two runners at once).
    case sequenceConflict(deploymentId: String, expected: Int, found: Int)
    case notFound(String)

    public var description: String {
        switch self {
        case let .sequenceConflict(id, expected, found):
            "deployment \(id) was changed elsewhere (expected last event \(expected), found \(found))"
        case let .notFound(id): "no deployment \(id)"
        }
    }
}

/// Where deployments, their steps, resources and event log live. GRDB today (`GRDBDeploymentStore`);
/// a PostgreSQL store for several `serve` instances would be another conformance.
public protocol DeploymentStore: Sendable {
    /// Stores a new deployment with its first events.
    func insert(_ deployment: StoredDeployment, events: [DeploymentEvent]) async throws
    /// Replaces the snapshot and appends `events` in one transaction. The events must continue the
    /// stored sequence without a gap (`events.first.seq == stored lastEventId + 1`), else
    /// `sequenceConflict` and nothing is written.
    func commit(_ deployment: StoredDeployment, events: [DeploymentEvent]) async throws
    func load(id: String) async throws -> StoredDeployment?
    /// Events with `seq > after`, oldest first.
    func events(deploymentId: String, after: Int) async throws -> [DeploymentEvent]
    /// Deployments in any of these states (recovery after a restart).
    func deployments(inStates states: [DeploymentState]) async throws -> [StoredDeployment]
    /// Deployments of an order, newest first.
    func deployments(orderId: String) async throws -> [StoredDeployment]
    /// Deployments of each of these orders, newest first, read together (the orders list asks once for a
    /// page of orders, not once per order). An order without deployments has no key.
    func deployments(orderIds: [String]) async throws -> [String: [StoredDeployment]]
}
