import Foundation
import PostgresNIO
import TechFlunkyCore

/// `DeploymentStore` on PostgreSQL (`PostgresSchema`'s `pg_v6_deployments`), shared by every `serve` instance on the
/// database: the same tables and rules as `GRDBDeploymentStore`, timestamps in milliseconds (`StoredTime`).
///
/// `commit` locks the deployment's row (`FOR UPDATE`) before checking the sequence, so two instances writing one
/// deployment cannot both continue it; every insert and commit announces its last event with
/// `NOTIFY deployment_events, '<deployment id>:<seq>'` in the same transaction, so the notice goes out only once the
/// event is there to read (`PostgresDeploymentEventRelay` passes it on to the watchers of each instance).
public struct PostgresDeploymentStore: DeploymentStore {
    let database: PostgresDatabase

    /// The channel every insert and commit notifies.
    static let channel = "deployment_events"

    public init(database: PostgresDatabase) { self.database = database }

    public var sharedByInstances: Bool { true }

    public func insert(_ stored: StoredDeployment, events: [DeploymentEvent], lease: DeploymentLease?) async throws {
        try Self.refuseNul(stored)
        try await transaction { connection in
            try await Self.writeSnapshot(stored, on: connection, insert: true, logger: database.logger)
            if let lease {
                try await connection.query("""
                    UPDATE deployments SET lease_owner = \(lease.owner), lease_expires_at = \(StoredTime.encode(lease.expiresAt))
                    WHERE id = \(stored.deployment.id)
                    """, logger: database.logger)
            }
            try await Self.append(events, on: connection, logger: database.logger)
        }
    }

    public func commit(_ stored: StoredDeployment, events: [DeploymentEvent]) async throws {
        try Self.refuseNul(stored)
        try await transaction { connection in
            let id = stored.deployment.id
            var last: Int64?
            for try await row in try await connection.query("SELECT last_event_id FROM deployments WHERE id = \(id) FOR UPDATE",
                                                              logger: database.logger) {
                last = try row.decode(Int64.self)
            }
            guard let last else { throw DeploymentStoreError.notFound(id) }
            if let first = events.first, first.seq != Int(last) + 1 {
                throw DeploymentStoreError.sequenceConflict(deploymentId: id, expected: first.seq - 1, found: Int(last))
            }
            try await Self.writeSnapshot(stored, on: connection, insert: false, logger: database.logger)
            try await Self.append(events, on: connection, logger: database.logger)
        }
    }

    public func load(id: String) async throws -> StoredDeployment? {
        try await fetch(where: "id = $1", binds: [id]).first
    }

    public func events(deploymentId: String, after: Int) async throws -> [DeploymentEvent] {
        try await database.rows("""
            SELECT body FROM deployment_events WHERE deployment_id = \(deploymentId) AND seq > \(Int64(after)) ORDER BY seq
            """).map { row in
            try WireJSON.decode(DeploymentEvent.self, from: Data(try row.decode(String.self).utf8))
        }
    }

    public func deployments(inStates states: [DeploymentState]) async throws -> [StoredDeployment] {
        guard !states.isEmpty else { return [] }
        return try await fetch(where: "state = ANY($1) ORDER BY created_at, id", binds: [states.map(\.rawValue)])
    }

    public func deployments(orderId: String) async throws -> [StoredDeployment] {
        try await fetch(where: "order_id = $1 ORDER BY created_at DESC, id DESC", binds: [orderId])
    }

    public func deployments(orderIds: [String]) async throws -> [String: [StoredDeployment]] {
        let unique = Array(Set(orderIds))
        guard !unique.isEmpty else { return [:] }
        var found: [String: [StoredDeployment]] = [:]
        for stored in try await fetch(where: "order_id = ANY($1) ORDER BY created_at DESC, id DESC", binds: [unique]) {
            found[stored.deployment.orderId, default: []].append(stored)
        }
        return found
    }

    // MARK: Leases

    public func acquireLease(deploymentId: String, _ lease: DeploymentLease, now: Date) async throws -> Bool {
        try await !database.rows("""
            UPDATE deployments SET lease_owner = \(lease.owner), lease_expires_at = \(StoredTime.encode(lease.expiresAt))
            WHERE id = \(deploymentId) AND (lease_owner IS NULL OR lease_owner = \(lease.owner) OR lease_expires_at < \(StoredTime.encode(now)))
            RETURNING 1
            """).isEmpty
    }

    public func renewLease(deploymentId: String, owner: String, until: Date) async throws -> Bool {
        try await !database.rows("""
            UPDATE deployments SET lease_expires_at = \(StoredTime.encode(until)) WHERE id = \(deploymentId) AND lease_owner = \(owner) RETURNING 1
            """).isEmpty
    }

    public func releaseLease(deploymentId: String, owner: String) async throws {
        try await database.execute("""
            UPDATE deployments SET lease_owner = NULL, lease_expires_at = NULL WHERE id = \(deploymentId) AND lease_owner = \(owner)
            """)
    }

    public func deploymentsWithLapsedLeases(inStates states: [DeploymentState], now: Date) async throws -> [StoredDeployment] {
        guard !states.isEmpty else { return [] }
        return try await fetch(where: "state = ANY($1) AND (lease_owner IS NULL OR lease_expires_at < $2) ORDER BY created_at, id",
                               binds: [states.map(\.rawValue), StoredTime.encode(now)])
    }

    // MARK: Counts and an account's data

    public func count(inStates states: [DeploymentState]) async throws -> Int {
        guard !states.isEmpty else { return 0 }
        let rows = try await database.rows("SELECT count(*) FROM deployments WHERE state = ANY(\(states.map(\.rawValue)))")
        return Int(try rows.first?.decode(Int64.self) ?? 0)
    }

    public func deploymentIds(buyerId: String) async throws -> [String] {
        try await database.rows("SELECT id FROM deployments WHERE buyer_id = \(buyerId) ORDER BY created_at, id").map { try $0.decode(String.self) }
    }

    public func eraseDeployments(buyerId: String, unlessAnyIn busyStates: [DeploymentState]) async throws -> DeploymentErasure {
        try await transaction { connection in
            // Locks the buyer's rows: a run cannot change state between the check and the delete.
            var busy: String?
            for try await row in try await connection.query("""
                SELECT id, state FROM deployments WHERE buyer_id = \(buyerId) ORDER BY created_at, id FOR UPDATE
                """, logger: database.logger) {
                let (id, state) = try row.decode((String, String).self)
                if busy == nil, let state = DeploymentState(rawValue: state), busyStates.contains(state) { busy = id }
            }
            if let busy { return .busy(deploymentId: busy) }
            var removed = 0
            for try await _ in try await connection.query("DELETE FROM deployments WHERE buyer_id = \(buyerId) RETURNING 1",
                                                           logger: database.logger) {
                removed += 1
            }
            return .removed(removed)
        }
    }

    /// Deployments whose snapshot changed at or after `since` (on the platform clock, as `updated_at`), with their last
    /// event: what an event relay that was disconnected since then may have missed.
    func deploymentsChanged(since: Date) async throws -> [(id: String, lastEventId: Int)] {
        try await database.rows("SELECT id, last_event_id FROM deployments WHERE updated_at >= \(StoredTime.encode(since))").map { row in
            let (id, last) = try row.decode((String, Int64).self)
            return (id, Int(last))
        }
    }

    // MARK: Rows

    /// Runs `body` in a transaction on one pooled connection. The store's own errors (a sequence conflict) come out
    /// as themselves, everything else as `PostgresEngineError`.
    private func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await database.client.withTransaction(logger: database.logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            if let own = error.closureError as? DeploymentStoreError { throw own }
            throw PostgresEngineError.query(url: database.url, error.closureError ?? error.commitError ?? error.beginError ?? error)
        }
    }

    /// PostgreSQL text cannot hold U+0000: refused naming the field rather than failing in the server.
    /// (Event bodies are JSON, where a NUL inside a string is the escape `\u0000`, which text holds.)
    private static func refuseNul(_ stored: StoredDeployment) throws {
        let d = stored.deployment
        var fields: [(name: String, value: String)] = [("domain", d.domain ?? ""), ("lastMessage", d.lastMessage ?? ""), ("url", d.url ?? "")]
        for step in d.steps { fields += [("steps.message", step.message ?? "")] + step.log.map { ("steps.log", $0) } }
        for r in d.resources { fields += [("resources.id", r.id), ("resources.name", r.name)] }
        try PostgresDatabase.refuseNul(fields)
    }

    private static func writeSnapshot(_ stored: StoredDeployment, on connection: PostgresConnection, insert: Bool, logger: Logger) async throws {
        let d = stored.deployment
        let created = StoredTime.encode(d.createdAt), updated = StoredTime.encode(d.updatedAt)
        if insert {
            try await connection.query("""
                INSERT INTO deployments (id, order_id, buyer_id, listing_slug, account_id, domain, namespace, state, url,
                  last_message, last_event_id, created_at, updated_at, package_version, update_of)
                VALUES (\(d.id), \(d.orderId), \(stored.buyerId), \(d.listingSlug), \(d.accountId), \(d.domain), \(stored.namespace),
                  \(d.state.rawValue), \(d.url), \(d.lastMessage), \(Int64(d.lastEventId)), \(created), \(updated), \(d.packageVersion), \(d.updateOf))
                """, logger: logger)
        } else {
            try await connection.query("""
                UPDATE deployments SET order_id = \(d.orderId), buyer_id = \(stored.buyerId), listing_slug = \(d.listingSlug),
                  account_id = \(d.accountId), domain = \(d.domain), namespace = \(stored.namespace), state = \(d.state.rawValue), url = \(d.url),
                  last_message = \(d.lastMessage), last_event_id = \(Int64(d.lastEventId)), created_at = \(created), updated_at = \(updated),
                  package_version = \(d.packageVersion), update_of = \(d.updateOf)
                WHERE id = \(d.id)
                """, logger: logger)
        }
        try await connection.query("DELETE FROM deployment_steps WHERE deployment_id = \(d.id)", logger: logger)
        if !d.steps.isEmpty {
            // One INSERT for all steps (nine round trips per event would dominate a run's writes).
            var binds = PostgresBindings()
            var tuples: [String] = []
            for (i, s) in d.steps.enumerated() {
                let base = tuples.count * 9
                binds.append(d.id)
                binds.append(Int64(i))
                binds.append(s.kind.rawValue)
                binds.append(s.state.rawValue)
                binds.append(s.startedAt.map(StoredTime.encode))
                binds.append(s.finishedAt.map(StoredTime.encode))
                binds.append(s.message)
                binds.append(s.errorCode.map(Int64.init))
                binds.append(String(decoding: try JSONEncoder().encode(s.log), as: UTF8.self))
                tuples.append("(" + (1...9).map { "$\(base + $0)" }.joined(separator: ",") + ")")
            }
            try await connection.query(PostgresQuery(unsafeSQL: """
                INSERT INTO deployment_steps (deployment_id, position, kind, state, started_at, finished_at, message, error_code, log)
                VALUES \(tuples.joined(separator: ","))
                """, binds: binds), logger: logger)
        }
        try await connection.query("DELETE FROM deployment_resources WHERE deployment_id = \(d.id)", logger: logger)
        if !d.resources.isEmpty {
            var binds = PostgresBindings()
            var tuples: [String] = []
            for (i, r) in d.resources.enumerated() {
                let base = tuples.count * 7
                binds.append(d.id)
                binds.append(Int64(i))
                binds.append(r.kind)
                binds.append(r.id)
                binds.append(r.name)
                binds.append(r.created)
                binds.append(r.step.rawValue)
                tuples.append("(" + (1...7).map { "$\(base + $0)" }.joined(separator: ",") + ")")
            }
            try await connection.query(PostgresQuery(unsafeSQL: """
                INSERT INTO deployment_resources (deployment_id, position, kind, resource_id, name, created, step)
                VALUES \(tuples.joined(separator: ","))
                """, binds: binds), logger: logger)
        }
    }

    private static func append(_ events: [DeploymentEvent], on connection: PostgresConnection, logger: Logger) async throws {
        for e in events {
            let body = String(decoding: try WireJSON.encode(e), as: UTF8.self)
            try await connection.query("""
                INSERT INTO deployment_events (deployment_id, seq, kind, at, body)
                VALUES (\(e.deploymentId), \(Int64(e.seq)), \(e.kind.rawValue), \(StoredTime.encode(e.at)), \(body))
                """, logger: logger)
        }
        // One notice per transaction, naming its last event: a relay reads everything up to it.
        if let last = events.last {
            try await connection.query("SELECT pg_notify(\(channel), \(last.deploymentId + ":" + String(last.seq)))", logger: logger)
        }
    }

    /// The deployments `condition` selects (over `deployments`, `$1`… bound to `binds`), each with its steps and
    /// resources: three queries in all, whatever the number of deployments.
    private func fetch(where condition: String, binds values: [any PostgresDynamicTypeEncodable & Sendable]) async throws -> [StoredDeployment] {
        var binds = PostgresBindings()
        for value in values { binds.append(value) }
        let rows = try await database.rows(PostgresQuery(unsafeSQL: """
            SELECT id, order_id, buyer_id, listing_slug, account_id, domain, namespace, state, url, last_message, last_event_id,
              created_at, updated_at, package_version, update_of FROM deployments WHERE \(condition)
            """, binds: binds))
        guard !rows.isEmpty else { return [] }
        let ids = try rows.map { try $0.makeRandomAccess()["id"].decode(String.self) }
        var steps: [String: [DeploymentStep]] = [:]
        for row in try await database.rows("""
            SELECT deployment_id, kind, state, started_at, finished_at, message, error_code, log FROM deployment_steps
            WHERE deployment_id = ANY(\(ids)) ORDER BY deployment_id, position
            """) {
            let (id, kind, state, started, finished, message, code, log) = try row.decode(
                (String, String, String, Int64?, Int64?, String?, Int64?, String).self)
            steps[id, default: []].append(DeploymentStep(
                kind: DeploymentStepKind(rawValue: kind) ?? .verifyCredentials, state: StepState(rawValue: state) ?? .pending,
                startedAt: StoredTime.decode(started), finishedAt: StoredTime.decode(finished), message: message, errorCode: code.map(Int.init),
                log: (try? JSONDecoder().decode([String].self, from: Data(log.utf8))) ?? []))
        }
        var resources: [String: [CreatedResource]] = [:]
        for row in try await database.rows("""
            SELECT deployment_id, kind, resource_id, name, created, step FROM deployment_resources
            WHERE deployment_id = ANY(\(ids)) ORDER BY deployment_id, position
            """) {
            let (id, kind, resourceId, name, created, step) = try row.decode((String, String, String, String, Bool, String).self)
            resources[id, default: []].append(CreatedResource(kind: kind, id: resourceId, name: name, created: created,
                                                              step: DeploymentStepKind(rawValue: step) ?? .verifyCredentials))
        }
        return try rows.map { row in
            let r = row.makeRandomAccess()
            let id = try r["id"].decode(String.self)
            let deployment = Deployment(
                id: id, orderId: try r["order_id"].decode(String.self), listingSlug: try r["listing_slug"].decode(String.self),
                accountId: try r["account_id"].decode(String.self), domain: try r["domain"].decode(String?.self),
                state: DeploymentState(rawValue: try r["state"].decode(String.self)) ?? .failed, steps: steps[id] ?? [],
                resources: resources[id] ?? [], url: try r["url"].decode(String?.self), lastMessage: try r["last_message"].decode(String?.self),
                lastEventId: Int(try r["last_event_id"].decode(Int64.self)),
                createdAt: StoredTime.decode(try r["created_at"].decode(Int64.self)), updatedAt: StoredTime.decode(try r["updated_at"].decode(Int64.self)),
                packageVersion: try r["package_version"].decode(String?.self), updateOf: try r["update_of"].decode(String?.self))
            return StoredDeployment(deployment: deployment, buyerId: try r["buyer_id"].decode(String.self), namespace: try r["namespace"].decode(String?.self))
        }
    }
}
