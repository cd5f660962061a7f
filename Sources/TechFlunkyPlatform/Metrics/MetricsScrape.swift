import Foundation
import Logging

/// One `GET /metrics`: reads the gauges that are facts of the database (holds by state, holds past due, the
/// catalog's size) so they are right after a restart and never drift from the rows, then renders everything.
enum MetricsScrape {
    static func render(_ services: PlatformServices) async -> String {
        let started = ContinuousClock.now
        do {
            var snapshot = try await holds(services.orders, now: services.clock.now())
            snapshot.activeListings = try await services.catalog.activeListingCount()
            services.metrics.record(snapshot)
        } catch {
            // The counters are still worth serving; the stale gauges say nothing new rather than something false.
            services.logger.warning("metrics: could not read hold and catalog counts", metadata: ["error": "\(error)"])
        }
        services.metrics.scrapeQuery(took: ContinuousClock.now - started)
        return services.metrics.exposition()
    }

    /// Holds as `PayoutHold.state` derives them, counted by the order store (one pass over the orders' state index).
    static func holds(_ orders: any OrderStore, now: Date) async throws -> PlatformMetrics.Snapshot {
        let snapshot = try await orders.holdSnapshot(now: now)
        return PlatformMetrics.Snapshot(holdsByState: snapshot.byState, holdsPastDue: snapshot.pastDue, activeListings: 0)
    }
}
