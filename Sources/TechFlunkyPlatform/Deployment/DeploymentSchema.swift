import GRDB

/// The deployment tables in the platform database. The platform's migrator calls `register(in:)`.
///
/// `deployments` holds the snapshot, `deployment_steps` and `deployment_resources` its parts, and
/// `deployment_events` the numbered event log that SSE replays (primary key `(deployment_id, seq)`
/// makes a duplicate or reordered sequence number impossible). No column holds a Cloudflare token.
public enum DeploymentSchema {
    public static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("deployments-v1") { db in
            try db.create(table: "deployments") { t in
                t.primaryKey("id", .text)
                t.column("order_id", .text).notNull().indexed()
                t.column("buyer_id", .text).notNull()
                t.column("listing_slug", .text).notNull()
                t.column("account_id", .text).notNull()
                t.column("domain", .text)
                t.column("namespace", .text)
                t.column("state", .text).notNull().indexed()
                t.column("url", .text)
                t.column("last_message", .text)
                t.column("last_event_id", .integer).notNull()
                t.column("created_at", .double).notNull()
                t.column("updated_at", .double).notNull()
            }
            try db.create(table: "deployment_steps") { t in
                t.column("deployment_id", .text).notNull().references("deployments", onDelete: .cascade)
                t.column("position", .integer).notNull()
                t.column("kind", .text).notNull()
                t.column("state", .text).notNull()
                t.column("started_at", .double)
                t.column("finished_at", .double)
                t.column("message", .text)
                t.column("error_code", .integer)
                t.column("log", .text).notNull()
                t.primaryKey(["deployment_id", "position"])
            }
            try db.create(table: "deployment_resources") { t in
                t.column("deployment_id", .text).notNull().references("deployments", onDelete: .cascade)
                t.column("position", .integer).notNull()
                t.column("kind", .text).notNull()
                t.column("resource_id", .text).notNull()
                t.column("name", .text).notNull()
                t.column("created", .boolean).notNull()
                t.column("step", .text).notNull()
                t.primaryKey(["deployment_id", "position"])
            }
            try db.create(table: "deployment_events") { t in
                t.column("deployment_id", .text).notNull().references("deployments", onDelete: .cascade)
                t.column("seq", .integer).notNull()
                t.column("kind", .text).notNull()
                t.column("at", .double).notNull()
                t.column("body", .text).notNull()
                t.primaryKey(["deployment_id", "seq"])
            }
        }
        // The package version a run deploys, and on an update the deployment it updates.
        migrator.registerMigration("deployments-v2-package-versions") { db in
            try db.execute(sql: """
                ALTER TABLE deployments ADD COLUMN package_version TEXT;
                ALTER TABLE deployments ADD COLUMN update_of TEXT;
                """)
        }
        // Who runs a deployment and until when (`DeploymentLease`; milliseconds since 1970, as `StoredTime`), and
        // the buyer's deployments found without a scan (account export and erasure).
        migrator.registerMigration("deployments-v3-leases") { db in
            try db.execute(sql: """
                ALTER TABLE deployments ADD COLUMN lease_owner TEXT;
                ALTER TABLE deployments ADD COLUMN lease_expires_at INTEGER;
                CREATE INDEX deployments_buyer ON deployments (buyer_id);
                """)
        }
    }
}
