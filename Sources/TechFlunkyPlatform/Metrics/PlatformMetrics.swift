import Synchronization
import CoreMetrics
import Foundation
import Prometheus
import TechFlunkyCore

/// What the platform counts and measures, recorded through swift-metrics into a Prometheus registry that
/// this value owns, and rendered as Prometheus' text format for `GET /metrics`.
///
/// `MetricsSystem.bootstrap` is global and once per process, which would make every platform in a test
/// process (and the embedded default beside `serve`) count into one registry. So each platform has its own
/// registry and factory, and hands the factory to swift-metrics explicitly (`Counter(label:dimensions:factory:)`);
/// nothing here touches the global system.
///
/// Names follow Prometheus' conventions: `techflunky_` prefix, `_total` for counters, base units (seconds,
/// minor units of a currency) in the name. Labels are bounded sets (route templates, not paths; step kinds;
/// Cloudflare error codes), never an id or an email.
public final class PlatformMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory
    /// The page-cache hit's series, made once: a hit costs microseconds, and looking the series up in the
    /// registry (a lock and a hash of the labels) on each would be a noticeable share of that.
    private let cachedPageCount: CoreMetrics.Counter
    private let cachedPageDuration: CoreMetrics.Timer
    private let lastAnswer = LastAnswer()

    /// When the platform last answered a request (routed or from the listing-page cache); nil before the first.
    /// The local sandbox daemon exits after a long time without one.
    public var lastRequestAnsweredAt: Date? { lastAnswer.value }

    /// The time of the newest answer, written from many event-loop threads.
    final class LastAnswer: @unchecked Sendable {
        // @unchecked: `date` is only read and written under `lock`.
        private let lock = NSLock()
        private var date: Date?

        var value: Date? { lock.withLock { date } }
        func touch() { lock.withLock { date = Date() } }
    }
    /// When webhooks were refused lately (bounded): the health endpoint's "webhooks failing".
    private let rejectionTimes = Mutex<[Date]>([])

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // API answers are milliseconds; deployment steps are seconds to minutes (a certificate can take 15 min).
        let fast: [Duration] = [.milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10)]
        let slow: [Duration] = [.milliseconds(100), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30),
                                .seconds(60), .seconds(120), .seconds(300), .seconds(900)]
        factory.defaultDurationHistogramBuckets = fast
        factory.durationHistogramBuckets = [Name.deploymentStepDuration: slow]
        self.factory = factory
        cachedPageCount = CoreMetrics.Counter(label: Name.httpRequests, dimensions: [("method", "GET"), ("route", ListingPageFastPath.routeTemplate),
                                                                                     ("status", "200")], factory: factory)
        cachedPageDuration = CoreMetrics.Timer(label: Name.httpDuration, dimensions: [("method", "GET"), ("route", ListingPageFastPath.routeTemplate)],
                                               factory: factory)
    }

    enum Name {
        static let httpRequests = "techflunky_http_requests_total"
        static let httpDuration = "techflunky_http_request_duration_seconds"
        static let deployments = "techflunky_deployments_total"
        static let deploymentStepDuration = "techflunky_deployment_step_duration_seconds"
        static let deploymentStepFailures = "techflunky_deployment_step_failures_total"
        static let checkoutsCreated = "techflunky_checkouts_created_total"
        static let checkoutsPaid = "techflunky_checkouts_paid_total"
        static let webhooksReceived = "techflunky_webhooks_received_total"
        static let webhooksRejected = "techflunky_webhooks_rejected_total"
        static let webhooksDeduplicated = "techflunky_webhooks_deduplicated_total"
        static let payoutsReleased = "techflunky_payouts_released_total"
        static let payoutsReleasedAmount = "techflunky_payouts_released_minor_units_total"
        static let payoutReleaseFailures = "techflunky_payout_release_failures_total"
        static let payoutHolds = "techflunky_payout_holds"
        static let payoutHoldsPastDue = "techflunky_payout_holds_past_due"
        static let sseWatchers = "techflunky_sse_watchers"
        static let catalogListings = "techflunky_catalog_listings"
        static let scrapeQueryDuration = "techflunky_database_scrape_query_duration_seconds"
    }

    // MARK: HTTP

    /// One answered request. `route` is the router's template (`/api/deploy/{id}/events`), or `unmatched`.
    public func httpRequest(method: String, route: String, status: Int, duration: Duration) {
        lastAnswer.touch()
        CoreMetrics.Counter(label: Name.httpRequests, dimensions: [("method", method), ("route", route), ("status", String(status))],
                            factory: factory).increment()
        CoreMetrics.Timer(label: Name.httpDuration, dimensions: [("method", method), ("route", route)], factory: factory)
            .recordNanoseconds(Self.nanoseconds(duration))
    }

    /// A `GET /api/listings` page answered from the cache on the connection (the same series as the route's 200s).
    func cachedListingPage(duration: Duration) {
        lastAnswer.touch()
        cachedPageCount.increment()
        cachedPageDuration.recordNanoseconds(Self.nanoseconds(duration))
    }

    // MARK: Deployments

    /// `event`: started, succeeded, failed, rolled_back, interrupted.
    public func deployment(_ event: String) {
        CoreMetrics.Counter(label: Name.deployments, dimensions: [("event", event)], factory: factory).increment()
    }

    /// A step that ended (succeeded, skipped, failed) after `duration` of wall time.
    public func deploymentStep(_ step: DeploymentStepKind, outcome: StepState, duration: Duration) {
        CoreMetrics.Timer(label: Name.deploymentStepDuration, dimensions: [("step", step.rawValue), ("outcome", outcome.rawValue)], factory: factory)
            .recordNanoseconds(Self.nanoseconds(duration))
    }

    /// A failed step with Cloudflare's error code (`none` when the failure had none, e.g. a smoke check).
    public func deploymentStepFailed(_ step: DeploymentStepKind, cloudflareCode: Int?) {
        CoreMetrics.Counter(label: Name.deploymentStepFailures,
                            dimensions: [("step", step.rawValue), ("cloudflare_code", cloudflareCode.map(String.init) ?? "none")],
                            factory: factory).increment()
    }

    // MARK: Payments

    public func checkoutCreated() {
        CoreMetrics.Counter(label: Name.checkoutsCreated, factory: factory).increment()
    }

    public func checkoutPaid() {
        CoreMetrics.Counter(label: Name.checkoutsPaid, factory: factory).increment()
    }

    /// A webhook delivery that passed the signature check, by event type.
    public func webhookReceived(type: String) {
        CoreMetrics.Counter(label: Name.webhooksReceived, dimensions: [("type", Self.boundedEventType(type))], factory: factory).increment()
    }

    /// A webhook refused before it was applied: `reason` is a fixed word (signature_mismatch, stale_timestamp, …).
    public func webhookRejected(reason: String) {
        CoreMetrics.Counter(label: Name.webhooksRejected, dimensions: [("reason", reason)], factory: factory).increment()
        rejectionTimes.withLock { times in
            times.append(Date())
            if times.count > 10_000 { times.removeFirst(times.count - 10_000) }
        }
    }

    /// Webhook deliveries refused since `date` (wall-clock time), for `GET /api/health`.
    public func webhooksRejected(since date: Date) -> Int {
        rejectionTimes.withLock { times in
            times.removeAll { $0 < date }
            return times.count
        }
    }

    public func webhookDeduplicated() {
        CoreMetrics.Counter(label: Name.webhooksDeduplicated, factory: factory).increment()
    }

    public func payoutReleased(_ amount: Money) {
        CoreMetrics.Counter(label: Name.payoutsReleased, dimensions: [("currency", amount.currency.code)], factory: factory).increment()
        CoreMetrics.Counter(label: Name.payoutsReleasedAmount, dimensions: [("currency", amount.currency.code)], factory: factory)
            .increment(by: amount.minorUnits)
    }

    public func payoutReleaseFailed() {
        CoreMetrics.Counter(label: Name.payoutReleaseFailures, factory: factory).increment()
    }

    // MARK: Live state

    /// An SSE watcher connected (+1) or went away (−1).
    public func sseWatchers(change: Int) {
        let meter = Meter(label: Name.sseWatchers, factory: factory)
        if change >= 0 { meter.increment(by: Double(change)) } else { meter.decrement(by: Double(-change)) }
    }

    /// Counts read from the database when scraped: holds by state, holds past due, the catalog's size.
    struct Snapshot: Sendable, Equatable {
        var holdsByState: [String: Int]
        var holdsPastDue: Int
        var activeListings: Int
    }

    func record(_ snapshot: Snapshot) {
        for state in Self.holdStates {
            Gauge(label: Name.payoutHolds, dimensions: [("state", state)], factory: factory).record(snapshot.holdsByState[state] ?? 0)
        }
        Gauge(label: Name.payoutHoldsPastDue, factory: factory).record(snapshot.holdsPastDue)
        Gauge(label: Name.catalogListings, factory: factory).record(snapshot.activeListings)
    }

    func scrapeQuery(took duration: Duration) {
        CoreMetrics.Timer(label: Name.scrapeQueryDuration, factory: factory).recordNanoseconds(Self.nanoseconds(duration))
    }

    /// The states of a sale's payout hold (`HoldState`), each exported even when zero so rates and alerts have a series.
    static let holdStates = HoldState.allCases.map(\.rawValue)

    /// The exposition text of everything recorded so far.
    public func exposition() -> String { registry.emitToString() }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// Stripe's event types are a fixed vocabulary of lower-case words and dots; anything else (a forged
    /// body that passed no check would never get here, but a new type might) is kept only if it looks like one.
    private static func boundedEventType(_ type: String) -> String {
        type.count <= 64 && type.allSatisfy({ $0.isASCII && ($0.isLowercase || $0 == "." || $0 == "_") }) ? type : "other"
    }
}
