import Foundation
import Logging
import TechFlunkyCore

/// What routes, the hold scheduler and the deployment orchestrator reach: configuration, clock, logger,
/// database and the stores, clients and deployment service on top of it. Built once per server by
/// `PlatformServices.open`: the one place stores are made; routes see them only through their protocols.
public struct PlatformServices: Sendable {
    public let configuration: PlatformConfiguration
    /// Which engine the stores are on.
    public let engine: PlatformEngine
    /// The SQLite database on the SQLite engine (its file is what backups copy); nil on PostgreSQL. Only the SQLite
    /// stores and the SQLite-only operations use it (through `sqliteDatabase(for:)`, which names what needs it on
    /// PostgreSQL); everything else goes through the stores. Implicitly unwrapped so the SQLite-only tests keep
    /// reaching the file as `services.database.pool`; platform code never relies on that.
    public let database: PlatformDatabase!
    /// The PostgreSQL database on the PostgreSQL engine; nil on SQLite. `close()` closes it.
    public let postgres: PostgresDatabase?
    public let clock: any PlatformClock
    public let logger: Logger
    public let passwordHasher: PasswordHasher
    public let accounts: any AccountStore
    let loginThrottle = LoginThrottle()
    /// Whether Stripe and Cloudflare answer, for `GET /api/health` (cached a few seconds); tests replace it.
    var reachability = ServiceReachability()
    public let catalog: any CatalogStore
    /// Bumped by every committed change to what listing pages show, on this instance or (PostgreSQL) any other.
    public let catalogGeneration: CatalogGeneration
    /// Encoded `GET /api/listings` pages until the catalog changes.
    let listingPages = ListingPageCache()
    public let packages: PackageStore
    /// Package versions and changelogs, and the seller's view of their listings.
    public let versions: any PackageVersionStore
    public let orders: any OrderStore
    /// Offers and questions between buyers and sellers.
    public let deals: any DealStore
    /// What the deployment orchestrator reads and freezes orders through.
    public let orderAccess: any DeploymentOrderAccess
    public let stripe: StripeClient
    public let holds: PayoutHoldService
    /// The deployment store, event hub, orchestrator and SSE streams (one orchestrator per platform).
    public let deployments: DeploymentService
    /// Reservations, watchlists, saved searches and notifications.
    public let market: any MarketStore
    /// The per-account notifications: `notify(accountId:kind:message:…)` and the SSE stream.
    public let notifications: NotificationService
    /// Counters and histograms for `GET /metrics`, in a registry of this platform's own.
    public let metrics: PlatformMetrics
    /// The TLS port's certificate, reloadable (`serve` reloads it on SIGHUP); nil for plain HTTP.
    public let tlsCertificates: TLSCertificates?

    /// Opens the configured engine's database (migrating it) and wires the stores: PostgreSQL when
    /// `configuration.databaseURL` is set, else the SQLite file at `configuration.dbPath`. On PostgreSQL this
    /// instance starts listening for what other instances change (`PostgresChangeFeed`); `close()` stops it.
    public static func open(_ configuration: PlatformConfiguration) async throws -> PlatformServices {
        guard let url = configuration.databaseURL else { return try openSQLite(configuration) }
        let certificates = try configuration.tls.map(TLSCertificates.init)
        let packages = PackageStore(dataDir: configuration.dataDir, key: configuration.secretsKey)
        let database = try await PostgresDatabase.open(url, logger: configuration.logger, maximumConnections: configuration.databaseConnections)
        do {
            let stores = try PlatformStores.postgres(database, packages: packages)
            return PlatformServices(configuration: configuration, stores: stores, tlsCertificates: certificates)
        } catch {
            await database.close()
            throw error
        }
    }

    /// The SQLite engine: opens (creating and migrating) the file at `configuration.dbPath`.
    static func openSQLite(_ configuration: PlatformConfiguration) throws -> PlatformServices {
        // The certificate first: a missing one should stop the start before anything else is opened.
        let certificates = try configuration.tls.map(TLSCertificates.init)
        let database = try PlatformDatabase(path: configuration.dbPath)
        return PlatformServices(configuration: configuration, database: database, tlsCertificates: certificates)
    }

    /// Closes what the engine holds open (PostgreSQL's pool and change feed); nothing on SQLite.
    public func close() async {
        await postgres?.close()
    }

    /// SQLite with single stores replaced (tests): `deploymentStore` replaces the GRDB store (tests count the
    /// queries the routes make); the others replace the SQLite account store, catalog, order store, deals, market
    /// and versions.
    init(configuration: PlatformConfiguration, database: PlatformDatabase, tlsCertificates: TLSCertificates? = nil,
         deploymentStore: (any DeploymentStore)? = nil, accounts: (any AccountStore)? = nil, catalog: (any CatalogStore)? = nil,
         orders: (any OrderStore & DeploymentOrderAccess)? = nil,
         deals: (any DealStore)? = nil, market: (any MarketStore)? = nil, versions: (any PackageVersionStore)? = nil) {
        var stores = PlatformStores.sqlite(database, packages: PackageStore(dataDir: configuration.dataDir, key: configuration.secretsKey))
        if let deploymentStore { stores.deploymentStore = deploymentStore }
        if let accounts { stores.accounts = accounts }
        if let catalog { stores.catalog = catalog }
        if let orders { stores.orders = orders; stores.orderAccess = orders }
        if let deals { stores.deals = deals }
        if let market { stores.market = market }
        if let versions { stores.versions = versions }
        self.init(configuration: configuration, stores: stores, tlsCertificates: tlsCertificates)
    }

    init(configuration: PlatformConfiguration, stores: PlatformStores, tlsCertificates: TLSCertificates? = nil) {
        self.tlsCertificates = tlsCertificates
        self.configuration = configuration
        self.engine = stores.engine
        self.database = stores.sqlite
        self.postgres = stores.postgres
        self.clock = configuration.clock
        // Every line the platform writes while answering a request carries the request's id.
        let logger = RequestIDLogHandler.wrap(configuration.logger)
        self.logger = logger
        self.passwordHasher = PasswordHasher(rounds: configuration.passwordRounds)
        self.accounts = stores.accounts
        self.catalog = stores.catalog
        self.catalogGeneration = stores.catalogGeneration
        self.packages = stores.packages
        self.versions = stores.versions
        self.orders = stores.orders
        self.deals = stores.deals
        self.orderAccess = stores.orderAccess
        self.stripe = StripeClient(base: configuration.stripeAPIBase, secretKey: configuration.stripeSecretKey,
                                   transport: configuration.httpTransport, logger: logger)
        self.market = stores.market
        self.notifications = NotificationService(store: stores.market, bell: stores.notificationBell, clock: configuration.clock)
        let metrics = PlatformMetrics()
        self.metrics = metrics
        self.holds = PayoutHoldService(orders: stores.orders, stripe: stripe, clock: configuration.clock, logger: logger, metrics: metrics)
        self.deployments = DeploymentService.make(configuration: configuration, store: stores.deploymentStore,
                                                  orders: stores.orderAccess, metrics: metrics, logger: logger)
    }
}
