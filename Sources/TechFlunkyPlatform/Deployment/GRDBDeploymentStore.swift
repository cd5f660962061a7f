import Foundation
import GRDB
import TechFlunkyCore

/// `DeploymentStore` on the platform's SQLite database (GRDB). Tables: `DeploymentSchema`.
public struct GRDBDeploymentStore: DeploymentStore {
    private let db: any DatabaseWriter

    public init(database: any DatabaseWriter) { db = database }

    /// One SQLite file serves one platform process.
    public var sharedByInstances: Bool { false }

    public func insert(_ stored: StoredDeployment, events: [DeploymentEvent], lease: DeploymentLease?) async throws {
        try await db.write { db in
            try Self.writeSnapshot(stored, in: db, insert: true)
            try Self.append(events, in: db)
            if let lease {
                try db.execute(sql: "UPDATE deployments SET lease_owner = ?, lease_expires_at = ? WHERE id = ?",
                               arguments: [lease.owner, StoredTime.encode(lease.expiresAt), stored.deployment.id])
            }
        }
    }

    // MARK: Leases

    public func acquireLease(deploymentId: String, _ lease: DeploymentLease, now: Date) async throws -> Bool {
        try await db.write { db in
            try db.execute(sql: """
                UPDATE deployments SET lease_owner = ?, lease_expires_at = ?
                WHERE id = ? AND (lease_owner IS NULL OR lease_owner = ? OR lease_expires_at < ?)
                """, arguments: [lease.owner, StoredTime.encode(lease.expiresAt), deploymentId, lease.owner, StoredTime.encode(now)])
            return db.changesCount == 1
        }
    }

    public func renewLease(deploymentId: String, owner: String, until: Date) async throws -> Bool {
        try await db.write { db in
            try db.execute(sql: "UPDATE deployments SET lease_expires_at = ? WHERE id = ? AND lease_owner = ?",
                           arguments: [StoredTime.encode(until), deploymentId, owner])
            return db.changesCount == 1
        }
    }

    public func releaseLease(deploymentId: String, owner: String) async throws {
        try await db.write { db in
            try db.execute(sql: "UPDATE deployments SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND lease_owner = ?",
                           arguments: [deploymentId, owner])
        }
    }

    public func deploymentsWithLapsedLeases(inStates states: [DeploymentState], now: Date) async throws -> [StoredDeployment] {
        guard !states.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: states.count).joined(separator: ",")
        return try await db.read { db in
            try Self.fetch(db, sql: """
                SELECT * FROM deployments WHERE state IN (\(marks)) AND (lease_owner IS NULL OR lease_expires_at < ?) ORDER BY created_at
                """, arguments: StatementArguments(states.map(\.rawValue)) + [StoredTime.encode(now)])
        }
    }

    // MARK: Counts and an account's data

    public func count(inStates states: [DeploymentState]) async throws -> Int {
        guard !states.isEmpty else { return 0 }
        let marks = Array(repeating: "?", count: states.count).joined(separator: ",")
        return try await db.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM deployments WHERE state IN (\(marks))",
                             arguments: StatementArguments(states.map(\.rawValue))) ?? 0
        }
    }

    public func deploymentIds(buyerId: String) async throws -> [String] {
        try await db.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM deployments WHERE buyer_id = ? ORDER BY created_at, id", arguments: [buyerId])
        }
    }

    /// Runs with `secure_delete` on, so the freed pages are zeroed (account erasure checkpoints the log afterwards).
    public func eraseDeployments(buyerId: String, unlessAnyIn busyStates: [DeploymentState]) async throws -> DeploymentErasure {
        try await db.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA secure_delete = ON")
            defer { try? db.execute(sql: "PRAGMA secure_delete = OFF") }
            var outcome = DeploymentErasure.removed(0)
            try db.inTransaction(.immediate) {
                if !busyStates.isEmpty {
                    let marks = Array(repeating: "?", count: busyStates.count).joined(separator: ",")
                    if let busy = try String.fetchOne(db, sql: "SELECT id FROM deployments WHERE buyer_id = ? AND state IN (\(marks)) LIMIT 1",
                                                      arguments: [buyerId] + StatementArguments(busyStates.map(\.rawValue))) {
                        outcome = .busy(deploymentId: busy)
                        return .rollback
                    }
                }
                try db.execute(sql: "DELETE FROM deployments WHERE buyer_id = ?", arguments: [buyerId])
                outcome = .removed(db.changesCount)
                return .commit
            }
            return outcome
        }
    }

    public func commit(_ stored: StoredDeployment, events: [DeploymentEvent]) async throws {
        try await db.write { db in
            let id = stored.deployment.id
            guard let last = try Int.fetchOne(db, sql: "SELECT last_event_id FROM deployments WHERE id = ?", arguments: [id]) else {
                throw DeploymentStoreError.notFound(id)
            }
            if let first = events.first, first.seq != last + 1 {
                throw DeploymentStoreError.sequenceConflict(deploymentId: id, expected: first.seq - 1, found: last)
            }
            try Self.writeSnapshot(stored, in: db, insert: false)
            try Self.append(events, in: db)
        }
    }

    public func load(id: String) async throws -> StoredDeployment? {
        try await db.read { db in try Self.fetch(db, sql: "SELECT * FROM deployments WHERE id = ?", arguments: [id]).first }
    }

    public func events(deploymentId: String, after: Int) async throws -> [DeploymentEvent] {
        try await db.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT body FROM deployment_events WHERE deployment_id = ? AND seq > ? ORDER BY seq",
                                        arguments: [deploymentId, after])
            return try rows.map { row in
                let body: String = row["body"]
                return try WireJSON.decode(DeploymentEvent.self, from: Data(body.utf8))
            }
        }
    }

    public func deployments(inStates states: [DeploymentState]) async throws -> [StoredDeployment] {
        guard !states.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: states.count).joined(separator: ",")
        return try await db.read { db in
            try Self.fetch(db, sql: "SELECT * FROM deployments WHERE state IN (\(marks)) ORDER BY created_at",
                           arguments: StatementArguments(states.map(\.rawValue)))
        }
    }

    public func deployments(orderId: String) async throws -> [StoredDeployment] {
        try await db.read { db in
            try Self.fetch(db, sql: "SELECT * FROM deployments WHERE order_id = ? ORDER BY created_at DESC, id DESC", arguments: [orderId])
        }
    }

    public func deployments(orderIds: [String]) async throws -> [String: [StoredDeployment]] {
        let unique = Array(Set(orderIds))
        guard !unique.isEmpty else { return [:] }
        return try await db.read { db in
            var found: [String: [StoredDeployment]] = [:]
            for start in stride(from: 0, to: unique.count, by: Self.idsPerQuery) {
                let chunk = Array(unique[start..<min(start + Self.idsPerQuery, unique.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                for stored in try Self.fetch(db, sql: "SELECT * FROM deployments WHERE order_id IN (\(marks)) ORDER BY created_at DESC, id DESC",
                                             arguments: StatementArguments(chunk)) {
                    found[stored.deployment.orderId, default: []].append(stored)
                }
            }
            return found
        }
    }

    // MARK: Rows

    private static func writeSnapshot(_ stored: StoredDeployment, in db: Database, insert: Bool) throws {
        let d = stored.deployment
        let values: [(any DatabaseValueConvertible)?] = [
            d.id, d.orderId, stored.buyerId, d.listingSlug, d.accountId, d.domain, stored.namespace, d.state.rawValue,
            d.url, d.lastMessage, d.lastEventId, d.createdAt.timeIntervalSince1970, d.updatedAt.timeIntervalSince1970,
            d.packageVersion, d.updateOf,
        ]
        if insert {
            try db.execute(sql: """
                INSERT INTO deployments (id, order_id, buyer_id, listing_slug, account_id, domain, namespace, state, url,
                  last_message, last_event_id, created_at, updated_at, package_version, update_of) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                """, arguments: StatementArguments(values))
        } else {
            try db.execute(sql: """
                UPDATE deployments SET order_id = ?, buyer_id = ?, listing_slug = ?, account_id = ?, domain = ?, namespace = ?,
                  state = ?, url = ?, last_message = ?, last_event_id = ?, created_at = ?, updated_at = ?, package_version = ?, update_of = ?
                  WHERE id = ?
                """, arguments: StatementArguments(Array(values.dropFirst()) + [d.id]))
        }
        try db.execute(sql: "DELETE FROM deployment_steps WHERE deployment_id = ?", arguments: [d.id])
        for (i, s) in d.steps.enumerated() {
            let log = String(decoding: try JSONEncoder().encode(s.log), as: UTF8.self)
            try db.execute(sql: """
                INSERT INTO deployment_steps (deployment_id, position, kind, state, started_at, finished_at, message, error_code, log)
                VALUES (?,?,?,?,?,?,?,?,?)
                """, arguments: [d.id, i, s.kind.rawValue, s.state.rawValue, s.startedAt?.timeIntervalSince1970,
                                 s.finishedAt?.timeIntervalSince1970, s.message, s.errorCode, log])
        }
        try db.execute(sql: "DELETE FROM deployment_resources WHERE deployment_id = ?", arguments: [d.id])
        for (i, r) in d.resources.enumerated() {
            try db.execute(sql: """
                INSERT INTO deployment_resources (deployment_id, position, kind, resource_id, name, created, step)
                VALUES (?,?,?,?,?,?,?)
                """, arguments: [d.id, i, r.kind, r.id, r.name, r.created, r.step.rawValue])
        }
    }

    private static func append(_ events: [DeploymentEvent], in db: Database) throws {
        for e in events {
            let body = String(decoding: try WireJSON.encode(e), as: UTF8.self)
            try db.execute(sql: "INSERT INTO deployment_events (deployment_id, seq, kind, at, body) VALUES (?,?,?,?,?)",
                           arguments: [e.deploymentId, e.seq, e.kind.rawValue, e.at.timeIntervalSince1970, body])
        }
    }

    /// Bound parameters per `IN (…)` list, well under SQLite's limit (32,766; 999 before 3.32).
    private static let idsPerQuery = 500

    /// The deployments `sql` selects, each with its steps and resources, read with one query per table
    /// (per `idsPerQuery` deployments) rather than two per deployment.
    private static func fetch(_ db: Database, sql: String, arguments: StatementArguments) throws -> [StoredDeployment] {
        let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
        let ids = rows.map { $0["id"] as String }
        var steps: [String: [DeploymentStep]] = [:]
        var resources: [String: [CreatedResource]] = [:]
        for start in stride(from: 0, to: ids.count, by: idsPerQuery) {
            let chunk = Array(ids[start..<min(start + idsPerQuery, ids.count)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            for s in try Row.fetchAll(db, sql: "SELECT * FROM deployment_steps WHERE deployment_id IN (\(marks)) ORDER BY deployment_id, position",
                                      arguments: StatementArguments(chunk)) {
                let logText: String = s["log"]
                steps[s["deployment_id"], default: []].append(DeploymentStep(
                    kind: DeploymentStepKind(rawValue: s["kind"]) ?? .verifyCredentials,
                    state: StepState(rawValue: s["state"]) ?? .pending,
                    startedAt: (s["started_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                    finishedAt: (s["finished_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                    message: s["message"], errorCode: s["error_code"],
                    log: (try? JSONDecoder().decode([String].self, from: Data(logText.utf8))) ?? []))
            }
            for r in try Row.fetchAll(db, sql: "SELECT * FROM deployment_resources WHERE deployment_id IN (\(marks)) ORDER BY deployment_id, position",
                                      arguments: StatementArguments(chunk)) {
                resources[r["deployment_id"], default: []].append(
                    CreatedResource(kind: r["kind"], id: r["resource_id"], name: r["name"], created: r["created"],
                                    step: DeploymentStepKind(rawValue: r["step"]) ?? .verifyCredentials))
            }
        }
        return rows.map { row in
            let id: String = row["id"]
            let deployment = Deployment(
                id: id, orderId: row["order_id"], listingSlug: row["listing_slug"], accountId: row["account_id"],
                domain: row["domain"], state: DeploymentState(rawValue: row["state"]) ?? .failed, steps: steps[id] ?? [],
                resources: resources[id] ?? [], url: row["url"], lastMessage: row["last_message"], lastEventId: row["last_event_id"],
                createdAt: Date(timeIntervalSince1970: row["created_at"]), updatedAt: Date(timeIntervalSince1970: row["updated_at"]),
                packageVersion: row["package_version"], updateOf: row["update_of"])
            return StoredDeployment(deployment: deployment, buyerId: row["buyer_id"], namespace: row["namespace"])
        }
    }
}
