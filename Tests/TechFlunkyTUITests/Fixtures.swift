import Foundation
import TechFlunkyClient
import TechFlunkyCore
@testable import TechFlunkyTUI

/// Listings and packages for pane tests.
enum Fixtures {
    static let categories = ["SaaS", "Newsletter", "E-commerce", "Developer tools", "Marketplace"]

    static func summary(_ i: Int, title: String? = nil, category: String? = nil, price: Int64? = nil) -> ListingSummary {
        ListingSummary(
            id: "lst_\(i)", slug: "listing-\(i)", title: title ?? "Business number \(i)",
            tagline: "A tidy little business (\(i))", category: category ?? categories[i % categories.count],
            askingPrice: .usd(price ?? Int64(100_000 + i * 1_000)), monthlyRevenue: .usd(Int64(50_000 + i * 10)),
            monthlyProfit: .usd(Int64(20_000 + i * 5)), ageMonths: 6 + i % 48, techStack: ["Workers", "D1"],
            monthlyVisitors: 1_000 + i, seller: SellerSummary(id: "acct_s", displayName: "Sam Seller", listingsCount: 3),
            createdAt: Date(timeIntervalSince1970: 1_700_000_000 - Double(i) * 3600))
    }

    static let manifest = PackageManifest(
        id: "pkg_1", name: "Link shortener", slug: "link-shortener", version: "1.0.0",
        cloudflare: CloudflareResources(
            workers: [WorkerSpec(name: "api", main: "workers/api/index.js", compatibilityDate: "2024-09-01",
                                 bindings: [WorkerBinding(type: .d1, name: "DB", database: "links"),
                                            WorkerBinding(type: .r2Bucket, name: "ASSETS", bucket: "assets")])],
            d1Databases: [D1DatabaseSpec(name: "links", migrations: ["migrations/0001_init.sql", "migrations/0002_clicks.sql"])],
            r2Buckets: [R2BucketSpec(name: "assets")],
            dnsRecords: [DNSRecordSpec(type: "CNAME", name: "go", content: "{{workers_dev}}")]),
        businessAssets: ["marketResearch": "assets/market.pdf"])

    static func listing(_ summary: ListingSummary, description: String = "Shortens links. Counts clicks. Makes money.") -> Listing {
        Listing(summary: summary, description: description, package: manifest,
                assets: [BusinessAsset(kind: "marketResearch", path: "assets/market.pdf", bytes: 1_258_291)],
                updatedAt: Date(timeIntervalSince1970: 1_700_000_000))
    }
}

/// A real, stateful catalog in memory speaking the `MarketplaceService` contract: substring search, category
/// and price filters, sorts, and opaque offset cursors. It records every query so tests can see what was asked.
actor InMemoryMarketplace: MarketplaceService {
    var catalog: [ListingSummary]
    private(set) var queries: [ListingQuery] = []
    var failNext: ServiceFailure?
    private(set) var bought: [Order] = []
    func setBought(_ orders: [Order]) { bought = orders }

    init(count: Int) { catalog = (0..<count).map { Fixtures.summary($0) } }
    init(listings: [ListingSummary]) { catalog = listings }

    func setFailNext(_ failure: ServiceFailure?) { failNext = failure }
    /// What `GET /api/health` answers; nil refuses it, as a platform without the endpoint would.
    var health: PlatformHealth?
    func setHealth(_ value: PlatformHealth?) { health = value }
    /// Like the platform, count search matches only up to this many and then say "at least".
    var searchCountLimit: Int?
    func setSearchCountLimit(_ limit: Int?) { searchCountLimit = limit }

    func me() async throws -> MeResponse {
        MeResponse(account: Account(id: "acct_1", email: "demo@techflunky.test", displayName: "Demo Buyer",
                                    createdAt: Date(timeIntervalSince1970: 0)), seller: nil, sandbox: true)
    }

    func listings(_ query: ListingQuery) async throws -> ListingPage {
        queries.append(query)
        if let failure = failNext { failNext = nil; throw failure }
        var rows = catalog.filter { l in
            (query.q.map { l.title.localizedCaseInsensitiveContains($0) } ?? true)
                && (query.category.map { l.category == $0 } ?? true)
                && (query.minPrice.map { l.askingPrice.minorUnits >= $0 } ?? true)
                && (query.maxPrice.map { l.askingPrice.minorUnits <= $0 } ?? true)
        }
        switch query.sort ?? .newest {
        case .priceAsc: rows.sort { $0.askingPrice.minorUnits < $1.askingPrice.minorUnits }
        case .priceDesc: rows.sort { $0.askingPrice.minorUnits > $1.askingPrice.minorUnits }
        case .revenue: rows.sort { $0.monthlyRevenue.minorUnits > $1.monthlyRevenue.minorUnits }
        case .profit: rows.sort { $0.monthlyProfit.minorUnits > $1.monthlyProfit.minorUnits }
        case .multiple: rows.sort { ($0.multiple ?? .infinity) < ($1.multiple ?? .infinity) }
        case .newest, .relevance: rows.sort { $0.createdAt > $1.createdAt }
        }
        if query.reverse { rows.reverse() }
        let start = query.cursor.flatMap(Int.init) ?? 0
        let limit = min(query.limit ?? ListingQuery.defaultLimit, ListingQuery.maxLimit)
        let end = min(rows.count, start + limit)
        let items = start < end ? Array(rows[start..<end]) : []
        if query.q != nil, let cap = searchCountLimit, rows.count > cap {
            return ListingPage(items: items, nextCursor: end < rows.count ? String(end) : nil, total: cap, totalIsLowerBound: true)
        }
        return ListingPage(items: items, nextCursor: end < rows.count ? String(end) : nil, total: rows.count)
    }

    func listing(slug: String) async throws -> Listing {
        guard let s = catalog.first(where: { $0.slug == slug }) else {
            throw ServiceFailure(message: "no listing \(slug)", code: APIErrorCode.notFound)
        }
        return Fixtures.listing(s)
    }

    func categories() async throws -> [CategoryCount] {
        var counts: [String: Int] = [:]
        for l in catalog { counts[l.category, default: 0] += 1 }
        return counts.keys.sorted().map { CategoryCount(name: $0, count: counts[$0]!) }
    }
}

/// Runs the pure update against a service the way the UI loop does, but deterministically: requests are
/// answered in order (or held back to test races), timers fire only when the test says so.
struct UIDriver {
    var state: AppState
    let service: any MarketplaceService
    var heldRequests: [(RequestID, ServiceRequest)] = []
    var pendingTimers: [TimerID] = []
    var holdRequests = false
    var quit = false
    /// What `y` put on the clipboard (OSC 52), in order.
    var copied: [String] = []

    init(service: any MarketplaceService, width: Int = 120, height: Int = 30) {
        self.service = service
        state = AppState(width: width, height: height, environment: UIEnvironment(platformLabel: "test"),
                         now: Date(timeIntervalSince1970: 1_700_000_000))
    }

    mutating func start() async { await run(AppUpdate.start(&state)) }

    mutating func send(_ message: Message) async { await run(AppUpdate.update(&state, message)) }

    mutating func press(_ keys: Key...) async { for k in keys { await send(.key(k)) } }

    mutating func type(_ text: String) async { for c in text { await send(.key(.char(c))) } }

    mutating func fireTimers() async {
        let timers = pendingTimers
        pendingTimers = []
        for t in timers { await send(.timerFired(t)) }
    }

    /// Answers a held request now.
    mutating func answer(_ id: RequestID, _ request: ServiceRequest) async {
        await send(.response(id, await Self.perform(request, service)))
    }

    mutating func run(_ effects: [Effect]) async {
        for effect in effects {
            switch effect {
            case let .request(id, request):
                if holdRequests { heldRequests.append((id, request)); continue }
                await send(.response(id, await Self.perform(request, service)))
            case let .timer(id, _): pendingTimers.append(id)
            case .quit: quit = true
            case let .copyToClipboard(text): copied.append(text)
            case .subscribe, .unsubscribe: break
            }
        }
    }

    static func perform(_ request: ServiceRequest, _ service: any MarketplaceService) async -> Result<ServiceResponse, ServiceFailure> {
        await EffectRunner.perform(request, on: service)
    }

    var screen: String { AppRenderer.render(state).text }

    /// Timers and held requests of the panes, without the header's health poll (which runs beside them in a sandbox).
    var paneTimers: [TimerID] { pendingTimers.filter { $0 != state.healthTimer } }
    var heldPaneRequests: [(RequestID, ServiceRequest)] { heldRequests.filter { $0.1 != .platformHealth } }

    var browse: BrowsePane { state.tabs[0].panes[0] as! BrowsePane }
}
