import Foundation
import GRDB

/// The platform's SQLite database: a GRDB `DatabasePool` (WAL, so reads never wait for the writer;
/// foreign keys on) migrated by a `DatabaseMigrator` assembled from each concern's schema.
/// Routes never see GRDB: they talk to the store protocols (`AccountStore`, `CatalogStore`, `OrderStore`, …)
/// whose SQLite implementations hold this.
public final class PlatformDatabase: Sendable {
    public let pool: DatabasePool
    public let path: String
    /// Bumped by every committed change to what listing pages show; see `CatalogGeneration`.
    public let catalogGeneration = CatalogGeneration()
    /// Rings after every committed change to `notifications`; see `NotificationBell`.
    public let notificationBell = NotificationBell()

    /// Opens (creating if needed) the database file at `path` and applies every pending migration.
    public init(path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try PrivateFiles.directory(directory)
        try PrivateFiles.databaseFile(path)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.label = "techflunky.platform"
        // One reader per core: readers beyond that only wait for a core, each holding its own page cache and
        // prepared statements (GRDB's default is 5 whatever the machine).
        configuration.maximumReaderCount = max(2, ProcessInfo.processInfo.activeProcessorCount)
        configuration.prepareDatabase { db in
            try ListingRankFunction.register(db)
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        self.path = path
        try Self.migrator().migrate(pool)
        pool.add(transactionObserver: catalogGeneration, extent: .databaseLifetime)
        pool.add(transactionObserver: notificationBell, extent: .databaseLifetime)
    }

    /// Every concern's migrations, in the order they were introduced. Add new ones at the end; never edit
    /// a shipped one (the migrator records which ran).
    public static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        PlatformSchema.register(in: &migrator)
        DeploymentSchema.register(in: &migrator)
        ListingHistorySchema.register(in: &migrator)
        DealSchema.register(in: &migrator)
        MarketSchema.register(in: &migrator)
        PackageVersionSchema.register(in: &migrator)
        OrderReleaseClaimSchema.register(in: &migrator)
        return migrator
    }
}

/// Milliseconds since 1970 — how every timestamp is stored, so keyset cursors compare exactly.
enum StoredTime {
    static func encode(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    static func decode(_ millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }
    static func decode(_ millis: Int64?) -> Date? { millis.map(decode) }
}
