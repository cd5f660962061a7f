import Foundation
import Logging
import TechFlunkyCore

/// What routes, the hold scheduler and the deployment orchestrator reach: configuration, clock, logger,
/// database and the stores, clients and deployment service on top of it. Built once per server by
/// `PlatformServices.open`: the one place stores are made; routes see them only through their protocols.
public struct PlatformServices: Sendable {
    public let configuration: PlatformConfiguration
    public let database: PlatformDatabase
    public let clock: any PlatformClock
    public let logger: Logger
    public let passwordHasher: PasswordHasher
    public let accounts: any AccountStore
    let loginThrottle = LoginThrottle()
    /// Whether Stripe and Cloudflare answer, for `GET /api/health` (cached a few seconds); tests replace it.
    var reachability = ServiceReachability()
    public let catalog: any CatalogStore
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

    /// Opens the database (migrating it) and wires the stores.
    public static func open(_ configuration: PlatformConfiguration) throws -> PlatformServices {
        // The certificate first: a missing one should stop the start before anything else is opened.
        let certificates = try configuration.tls.map(TLSCertificates.init)
        let database = try PlatformDatabase(path: configuration.dbPath)
        return PlatformServices(configuration: configuration, database: database, tlsCertificates: certificates)
    }

    /// `deploymentStore` replaces the GRDB store (tests count the queries the routes make); `accounts` replaces
    /// the SQLite account store, `catalog` the SQLite catalog, `orders` the SQLite order store, `deals`, `market` and
    /// `versions` theirs (the PostgreSQL engine's stores; a PostgreSQL market store rings `database.notificationBell` itself).
    init(configuration: PlatformConfiguration, database: PlatformDatabase, tlsCertificates: TLSCertificates? = nil,
         deploymentStore: (any DeploymentStore)? = nil, accounts: (any AccountStore)? = nil, catalog: (any CatalogStore)? = nil,
         orders: (any OrderStore & DeploymentOrderAccess)? = nil,
         deals: (any DealStore)? = nil, market: (any MarketStore)? = nil, versions: (any PackageVersionStore)? = nil) {
        self.tlsCertificates = tlsCertificates
        self.configuration = configuration
        self.database = database
        self.clock = configuration.clock
        // Every line the platform writes while answering a request carries the request's id.
        let logger = RequestIDLogHandler.wrap(configuration.logger)
        self.logger = logger
        self.passwordHasher = PasswordHasher(rounds: configuration.passwordRounds)
        self.accounts = accounts ?? SQLiteAccountStore(database: database)
        self.catalog = catalog ?? SQLiteCatalogStore(database: database)
        self.packages = PackageStore(dataDir: configuration.dataDir, key: configuration.secretsKey)
        self.versions = versions ?? SQLitePackageVersionStore(database: database)
        let orderStore: any OrderStore & DeploymentOrderAccess = orders ?? SQLiteOrderStore(database: database, packages: packages)
        self.orders = orderStore
        self.deals = deals ?? SQLiteDealStore(database: database)
        self.orderAccess = orderStore
        self.stripe = StripeClient(base: configuration.stripeAPIBase, secretKey: configuration.stripeSecretKey,
                                   transport: configuration.httpTransport, logger: logger)
        let market = market ?? SQLiteMarketStore(database: database)
        self.market = market
        self.notifications = NotificationService(store: market, bell: database.notificationBell, clock: configuration.clock)
        let metrics = PlatformMetrics()
        self.metrics = metrics
        self.holds = PayoutHoldService(orders: orderStore, stripe: stripe, clock: configuration.clock, logger: logger, metrics: metrics)
        self.deployments = DeploymentService.make(configuration: configuration, store: deploymentStore ?? GRDBDeploymentStore(database: database.pool),
                                                  orders: orderStore, metrics: metrics, logger: logger)
    }
}

