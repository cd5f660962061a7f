import GRDB

/// The deployment orchestrator's tables. Owned by the deployment engineer; `PlatformDatabase.migrator()`
/// calls `register` after the platform's own migrations.
enum DeploymentSchema {
    static func register(in migrator: inout DatabaseMigrator) {}
}
