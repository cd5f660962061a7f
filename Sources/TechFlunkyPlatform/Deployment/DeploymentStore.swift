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

/// Who runs a deployment: the orchestrator instance that holds it, until when. The holder renews it while the run
/// goes on; once it has lapsed any instance may mark the deployment interrupted, and a retry anywhere takes it over.
public struct DeploymentLease: Sendable, Hashable {
    public var owner: String
    public var expiresAt: Date

    public init(owner: String, expiresAt: Date) {
        self.owner = owner
        self.expiresAt = expiresAt
    }
}

/// What erasing a buyer's deployments did: removed some, or nothing because one of them is still running.
public enum DeploymentErasure: Sendable, Hashable {
    case removed(Int)
    case busy(deploymentId: String)
}

/// Where deployments, their steps, resources and event log live: the platform's SQLite file
/// (`GRDBDeploymentStore`, one instance) or PostgreSQL (`PostgresDeploymentStore`, shared by several instances).
public protocol DeploymentStore: Sendable {
    /// Whether several platform instances may use this store at once. When not (SQLite), whatever holds a lease at
    /// start-up belonged to a previous process of this one, and recovery need not wait for it to lapse.
    var sharedByInstances: Bool { get }
    /// Stores a new deployment with its first events, held by `lease` from the start when given (so no other
    /// instance's lease scan can take a queued deployment for an abandoned one).
    func insert(_ deployment: StoredDeployment, events: [DeploymentEvent], lease: DeploymentLease?) async throws
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

    // MARK: Leases

    /// Takes the deployment's lease for `lease.owner` if nobody holds it, the owner already does, or the holder's
    /// lapsed before `now` (one conditional UPDATE: of instances racing, one wins). False when someone else holds it.
    func acquireLease(deploymentId: String, _ lease: DeploymentLease, now: Date) async throws -> Bool
    /// Moves the owner's lease on to `until`; false when `owner` no longer holds it (it lapsed and was taken).
    func renewLease(deploymentId: String, owner: String, until: Date) async throws -> Bool
    /// Gives the lease up (only the owner's own).
    func releaseLease(deploymentId: String, owner: String) async throws
    /// Deployments in these states that nobody holds or whose lease lapsed before `now`, oldest first.
    func deploymentsWithLapsedLeases(inStates states: [DeploymentState], now: Date) async throws -> [StoredDeployment]

    // MARK: Counts and an account's data

    /// How many deployments are in these states (`GET /api/health`).
    func count(inStates states: [DeploymentState]) async throws -> Int
    /// The ids of a buyer's deployments, oldest first (account export).
    func deploymentIds(buyerId: String) async throws -> [String]
    /// Deletes a buyer's deployments with their steps, resources and events, in one transaction, unless one of
    /// them is in `busyStates` (then nothing is deleted).
    func eraseDeployments(buyerId: String, unlessAnyIn busyStates: [DeploymentState]) async throws -> DeploymentErasure
}

extension DeploymentStore {
    /// Stores a new deployment that nobody holds yet.
    public func insert(_ deployment: StoredDeployment, events: [DeploymentEvent]) async throws {
        try await insert(deployment, events: events, lease: nil)
    }
}

extension DeploymentState {
    /// The states in which a run is under way (and someone must hold the deployment's lease).
    public static let underWay: [DeploymentState] = [.queued, .running, .provisioned, .rollingBack]
}
