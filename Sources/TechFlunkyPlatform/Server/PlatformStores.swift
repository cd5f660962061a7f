import Foundation

/// Which database the platform keeps its records in.
public enum PlatformEngine: String, Sendable {
    /// One SQLite file (WAL) in the data directory: one process. The embedded default.
    case sqlite
    /// A PostgreSQL database (`serve --database` / `DATABASE_URL`): any number of instances.
    case postgres
}

/// Every store of one engine, made in one place (`sqlite(_:packages:)`, `postgres(_:packages:…)`), with the two
/// signals caches and streams follow: `catalogGeneration` (listing pages) and `notificationBell` (notification
/// streams). On SQLite GRDB transaction observers drive both; on PostgreSQL the stores' own writes and
/// `PostgresChangeFeed` (what every instance commits) do.
///
/// A platform runs wholly on one engine: half its records in each would split one truth in two, so the PostgreSQL
/// set refuses to be made while a store has no PostgreSQL implementation (`PlatformEngineError.notOnPostgres`).
public struct PlatformStores: Sendable {
    public var engine: PlatformEngine
    public var accounts: any AccountStore
    public var catalog: any CatalogStore
    public var packages: PackageStore
    public var versions: any PackageVersionStore
    public var orders: any OrderStore
    /// What the deployment orchestrator reads and freezes orders through (the order store, on each engine).
    public var orderAccess: any DeploymentOrderAccess
    public var deals: any DealStore
    public var market: any MarketStore
    public var deploymentStore: any DeploymentStore
    public var catalogGeneration: CatalogGeneration
    public var notificationBell: NotificationBell
    /// The SQLite database, on SQLite (backups read its file); nil on PostgreSQL.
    public var sqlite: PlatformDatabase?
    /// The PostgreSQL database, on PostgreSQL (closed with the platform); nil on SQLite.
    public var postgres: PostgresDatabase?

    /// Every store on the SQLite database.
    public static func sqlite(_ database: PlatformDatabase, packages: PackageStore) -> PlatformStores {
        let orders = SQLiteOrderStore(database: database, packages: packages)
        return PlatformStores(
            engine: .sqlite, accounts: SQLiteAccountStore(database: database), catalog: SQLiteCatalogStore(database: database),
            packages: packages, versions: SQLitePackageVersionStore(database: database), orders: orders, orderAccess: orders,
            deals: SQLiteDealStore(database: database), market: SQLiteMarketStore(database: database),
            deploymentStore: GRDBDeploymentStore(database: database.pool), catalogGeneration: database.catalogGeneration,
            notificationBell: database.notificationBell, sqlite: database, postgres: nil)
    }

    /// Every store on the PostgreSQL database, and this instance's change feed started (`PostgresChangeFeed`).
    /// Throws `PlatformEngineError.notOnPostgres` naming the stores that have no PostgreSQL implementation yet.
    ///
    static func postgres(_ database: PostgresDatabase, packages: PackageStore, catalogGeneration: CatalogGeneration = CatalogGeneration(),
                         notificationBell: NotificationBell = NotificationBell()) throws -> PlatformStores {
        var parts = Parts()
        parts.accounts = PostgresAccountStore(database: database)
        // Each store rings the bell after its own commits that wrote notifications (this instance's streams hear at
        // once); the change feed rings it for every instance's, this one's included.
        let ring: @Sendable () -> Void = { notificationBell.ring() }
        parts.catalog = PostgresCatalogStore(database: database, generation: catalogGeneration, rang: ring)
        let orders = PostgresOrderStore(database: database, packages: packages, notificationsWritten: ring)
        parts.orders = orders
        parts.orderAccess = orders
        parts.deals = PostgresDealStore(database: database)
        parts.market = PostgresMarketStore(database: database, rang: ring)
        parts.versions = PostgresPackageVersionStore(database: database)
        parts.deploymentStore = PostgresDeploymentStore(database: database)
        let missing = parts.missing
        guard let accounts = parts.accounts, let catalog = parts.catalog, let versions = parts.versions, let orders = parts.orders,
              let orderAccess = parts.orderAccess, let deals = parts.deals, let market = parts.market,
              let deploymentStore = parts.deploymentStore
        else { throw PlatformEngineError.notOnPostgres(missing: missing) }
        database.startChangeFeed(catalogGeneration: catalogGeneration, notificationBell: notificationBell)
        return PlatformStores(
            engine: .postgres, accounts: accounts, catalog: catalog, packages: packages, versions: versions, orders: orders,
            orderAccess: orderAccess, deals: deals, market: market, deploymentStore: deploymentStore, catalogGeneration: catalogGeneration,
            notificationBell: notificationBell, sqlite: nil, postgres: database)
    }

    /// The PostgreSQL stores made so far; `missing` names the rest, in words an operator reads.
    struct Parts {
        var accounts: (any AccountStore)?
        var catalog: (any CatalogStore)?
        var versions: (any PackageVersionStore)?
        var orders: (any OrderStore)?
        var orderAccess: (any DeploymentOrderAccess)?
        var deals: (any DealStore)?
        var market: (any MarketStore)?
        var deploymentStore: (any DeploymentStore)?

        var missing: [String] {
            var names: [String] = []
            if accounts == nil { names.append("accounts and sessions") }
            if catalog == nil { names.append("the catalog") }
            if orders == nil || orderAccess == nil { names.append("orders and payout holds") }
            if deals == nil { names.append("offers and questions") }
            if market == nil { names.append("watchlists, saved searches and notifications") }
            if versions == nil { names.append("package versions") }
            if deploymentStore == nil { names.append("deployments") }
            return names
        }
    }
}

/// Why the platform cannot run on the engine it was given.
public enum PlatformEngineError: Error, Sendable, CustomStringConvertible {
    /// Some stores have no PostgreSQL implementation in this build.
    case notOnPostgres(missing: [String])
    /// An operation that exists for the SQLite engine only (its file is what it copies).
    case sqliteOnly(operation: String, instead: String)
    /// Something this build reads from SQLite only until its store has a PostgreSQL implementation (issue 16).
    case notYetOnPostgres(operation: String)

    public var description: String {
        switch self {
        case .notOnPostgres(let missing):
            "this build cannot serve from PostgreSQL yet: \(missing.joined(separator: ", ")) have no PostgreSQL store. "
                + "Serve from SQLite for now (without --database / DATABASE_URL); the PostgreSQL database is migrated and kept"
        case .notYetOnPostgres(let operation):
            "\(operation) cannot be read on PostgreSQL in this build yet"
        case .sqliteOnly(let operation, let instead):
            "\(operation) works on the SQLite engine only; on PostgreSQL \(instead) (docs/operations.md)"
        }
    }
}

extension PlatformServices {
    /// The SQLite database, for what only the SQLite engine does; on PostgreSQL an error naming `operation`.
    func sqliteDatabase(for operation: String) throws -> PlatformDatabase {
        guard let database else {
            throw PlatformEngineError.notYetOnPostgres(operation: operation)
        }
        return database
    }
}

extension PlatformServices {
    /// The PostgreSQL database, for what is written for that engine alone; on SQLite an error naming `operation`.
    func postgresDatabase(for operation: String) throws -> PostgresDatabase {
        guard let postgres else { throw PlatformError.internal("\(operation) asked for PostgreSQL on the SQLite engine") }
        return postgres
    }
}
