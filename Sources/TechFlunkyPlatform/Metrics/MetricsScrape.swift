import Foundation
import GRDB
import Logging

/// One `GET /metrics`: reads the gauges that are facts of the database (holds by state, holds past due, the
/// catalog's size) so they are right after a restart and never drift from the rows, then renders everything.
enum MetricsScrape {
    static func render(_ services: PlatformServices) async -> String {
        let started = ContinuousClock.now
        do {
            // Engine-neutral once the order store answers it (issue 16: `OrderStore.holdSnapshot(now:)`).
            var snapshot = try await holds(try services.sqliteDatabase(for: "the hold gauges"), now: services.clock.now())
            snapshot.activeListings = try await services.catalog.activeListingCount()
            services.metrics.record(snapshot)
        } catch {
            // The counters are still worth serving; the stale gauges say nothing new rather than something false.
            services.logger.warning("metrics: could not read hold and catalog counts", metadata: ["error": "\(error)"])
        }
        services.metrics.scrapeQuery(took: ContinuousClock.now - started)
        return services.metrics.exposition()
    }

    /// Holds as `PayoutHold.state` derives them, counted in SQL (one pass over the orders' state index).
    static func holds(_ database: PlatformDatabase, now: Date) async throws -> PlatformMetrics.Snapshot {
        let nowMillis = StoredTime.encode(now)
        return try await database.pool.read { db in
            var byState: [String: Int] = [:]
            let rows = try Row.fetchAll(db, sql: """
                SELECT CASE
                         WHEN state IN ('paid', 'in_review') AND hold_frozen_reason IS NOT NULL AND hold_until <= ? THEN 'frozen'
                         WHEN state IN ('paid', 'in_review') THEN 'in_review'
                         ELSE state
                       END AS hold, COUNT(*) AS n
                FROM orders WHERE state IN ('paid', 'in_review', 'released', 'refunded', 'disputed')
                GROUP BY hold
                """, arguments: [nowMillis])
            for row in rows { byState[row["hold"]] = row["n"] }
            let pastDue = try SQLiteOrderStore.countDueHolds(db, dueBefore: now).pastDue
            return PlatformMetrics.Snapshot(holdsByState: byState, holdsPastDue: pastDue, activeListings: 0)
        }
    }
}
