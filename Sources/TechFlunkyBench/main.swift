// techflunky-bench: the in-process benchmarks `scripts/bench` runs (render, search, client) and its SSE watcher (watch). Each prints one
// JSON object on its last line. Figures only — nothing here asserts a time.
import Foundation
import Logging
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyHTTP
import TechFlunkyPlatform
import TechFlunkyTUI

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.isEmpty ? 0 : (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
}

func percentile(_ xs: [Double], _ p: Double) -> Double {
    let s = xs.sorted()
    guard !s.isEmpty else { return 0 }
    return s[min(s.count - 1, Int((p / 100 * Double(s.count)).rounded(.up)) - 1)]
}

func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }

func emit(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

/// The browse pane rendered into the canvas at 200×60 with 1,000 and with 100,000 listings held:
/// per run, the median of many renders.
func benchRender(runs: Int) {
    let clock = ContinuousClock()
    let small = TUIBenchmarks.browseState(listingCount: 1_000)
    let large = TUIBenchmarks.browseState(listingCount: 100_000)
    var smallRuns: [Double] = [], largeRuns: [Double] = []
    for _ in 0..<runs {
        for (state, out) in [(small, 0), (large, 1)] {
            var samples: [Double] = []
            for i in 0..<300 {
                let s = i % 2 == 0 ? state : TUIBenchmarks.scrollBrowse(state, by: 1)
                let t0 = clock.now
                let canvas = AppRenderer.render(s)
                samples.append(ms(clock.now - t0))
                precondition(canvas.width == 200)
            }
            if out == 0 { smallRuns.append(median(samples)) } else { largeRuns.append(median(samples)) }
        }
    }
    emit(["small_ms": smallRuns, "large_ms": largeRuns])
}

/// The resident set of this process, in MB (from /proc/self/status; 0 where there is none).
func residentMB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
          let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
    return kb / 1024
}

/// 1,000 varied full-text queries over a catalog of `count` generated listings, through the catalog store, in the mix
/// the issue states (4 in 5 by relevance, 1 in 5 by price); then the same queries under every sort, each once through the
/// store as the platform runs it and once through a store with the in-memory sort keys off (`sortKeyIndexAfter: .max`,
/// the plain SQL plans): the baseline, from the same run and the same database. The generated catalog is kept in
/// `dataDir` (and topped up, not rebuilt) so runs after the first start in seconds.
func benchSearch(count: Int, queries: Int, dataDir: String) async throws {
    try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
    var logger = Logger(label: "bench")
    logger.logLevel = .error
    let platform = try await PlatformServer.start(PlatformConfiguration(
        dbPath: dataDir + "/platform.sqlite", dataDir: dataDir, syntheticListings: count, logger: logger))
    let rssStart = residentMB()
    let texts = searchTexts(queries: queries)
    let clock = ContinuousClock()
    func timed(_ store: any CatalogStore, _ query: ListingQuery) async throws -> (Double, ListingPage) {
        let t0 = clock.now
        let page = try await store.search(query)
        return (ms(clock.now - t0), page)
    }
    let store = platform.services.catalog
    var samples: [Double] = [], relevance: [Double] = [], byPrice: [Double] = [], capped = 0
    for (i, q) in texts.enumerated() {
        let sort: ListingSort? = i % 5 == 0 ? .priceAsc : nil
        let (elapsed, page) = try await timed(store, ListingQuery(q: q, sort: sort, limit: 50))
        samples.append(elapsed)
        if sort == nil { relevance.append(elapsed) } else { byPrice.append(elapsed) }
        if page.totalIsLowerBound { capped += 1 }
    }
    // Every sort over every query, alternating the two stores query by query so load on the machine falls on both alike.
    let plain = SQLiteCatalogStore(database: platform.services.database, sortKeyIndexAfter: .max)
    var perSort: [String: Any] = [:]
    var mismatches = 0
    for sort in ListingSort.allCases {
        var fast: [Double] = [], baseline: [Double] = []
        for q in texts {
            let query = ListingQuery(q: q, sort: sort, limit: 50)
            let (fastMs, fastPage) = try await timed(store, query)
            let (plainMs, plainPage) = try await timed(plain, query)
            fast.append(fastMs)
            baseline.append(plainMs)
            if fastPage.items.map(\.id) != plainPage.items.map(\.id) || fastPage.total != plainPage.total { mismatches += 1 }
        }
        perSort[sort.rawValue] = ["p50_ms": percentile(fast, 50), "p99_ms": percentile(fast, 99), "max_ms": fast.max() ?? 0,
                                  "baseline_p50_ms": percentile(baseline, 50), "baseline_p99_ms": percentile(baseline, 99)]
    }
    let rssEnd = residentMB()
    // The same run's baseline for reading the keys in the background: a store whose asking search reads them itself
    // (as before), over each sort's first 20 queries (the read falls on the 8th); its slowest beside the platform's.
    for sort in ListingSort.allCases where sort != .relevance {
        let foreground = SQLiteCatalogStore(database: platform.services.database, sortKeysInBackground: false)
        var worst = 0.0
        for q in texts.prefix(20) { worst = max(worst, try await timed(foreground, ListingQuery(q: q, sort: sort, limit: 50)).0) }
        if var figures = perSort[sort.rawValue] as? [String: Any] {
            figures["foreground_read_max_ms"] = worst
            perSort[sort.rawValue] = figures
        }
    }
    await platform.stop()
    emit(["p50_ms": percentile(samples, 50), "p99_ms": percentile(samples, 99), "max_ms": samples.max() ?? 0, "queries": samples.count,
          "relevance_p50_ms": percentile(relevance, 50), "relevance_p99_ms": percentile(relevance, 99),
          "price_p50_ms": percentile(byPrice, 50), "price_p99_ms": percentile(byPrice, 99), "counted_past_limit": capped,
          "per_sort": perSort, "fast_plain_mismatches": mismatches, "rss_start_mb": rssStart, "rss_end_mb": rssEnd])
}

/// `PlatformClient` against the in-process platform on a loopback port: sequential `GET /healthz` over one reused
/// connection, with a fresh client (so a new connection) per request as the same run's baseline, and
/// `GET /api/listings?limit=50` over one connection. Per run, requests per second.
func benchClient(runs: Int, dataDir: String) async throws {
    try? FileManager.default.removeItem(atPath: dataDir)
    try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
    var logger = Logger(label: "bench")
    logger.logLevel = .error
    let platform = try await PlatformServer.start(PlatformConfiguration(
        port: 0, dbPath: dataDir + "/platform.sqlite", dataDir: dataDir, sandboxMode: true, holdScanInterval: 0,
        syntheticListings: 60, logger: logger))
    let base = "http://127.0.0.1:\(platform.port)"
    let clock = ContinuousClock()
    var reused: [Double] = [], fresh: [Double] = [], listings: [Double] = []
    let client = PlatformClient(baseURL: base)
    _ = try await client.health()
    for _ in 0..<runs {
        let healthCount = 500, freshCount = 100, listingsCount = 100
        var t0 = clock.now
        for _ in 0..<healthCount { _ = try await client.health() }
        reused.append(Double(healthCount) / (ms(clock.now - t0) / 1000))
        t0 = clock.now
        for _ in 0..<freshCount { _ = try await PlatformClient(baseURL: base).health() }
        fresh.append(Double(freshCount) / (ms(clock.now - t0) / 1000))
        t0 = clock.now
        for _ in 0..<listingsCount { _ = try await client.listings(ListingQuery(limit: 50)) }
        listings.append(Double(listingsCount) / (ms(clock.now - t0) / 1000))
    }
    await platform.stop()
    emit(["healthz_reused_rps": reused, "healthz_fresh_rps": fresh, "listings_rps": listings])
}

let args = CommandLine.arguments
switch args.count > 1 ? args[1] : "" {
case "render":
    benchRender(runs: args.count > 2 ? Int(args[2]) ?? 5 : 5)
case "search":
    let count = args.count > 2 ? Int(args[2]) ?? 1_000_000 : 1_000_000
    let queries = args.count > 3 ? Int(args[3]) ?? 1_000 : 1_000
    let dir = args.count > 4 ? args[4] : FileManager.default.temporaryDirectory.appendingPathComponent("tf-bench-search-\(count)").path
    try await benchSearch(count: count, queries: queries, dataDir: dir)
case "pgsearch" where args.count >= 3:
    // pgsearch SERVER_URL [LISTINGS] [QUERIES]: SERVER_URL names a PostgreSQL server this bench may create a database on.
    try await benchPostgresSearch(count: args.count > 3 ? Int(args[3]) ?? 1_000_000 : 1_000_000,
                                  queries: args.count > 4 ? Int(args[4]) ?? 1_000 : 1_000, serverURL: args[2])
case "client":
    let runs = args.count > 2 ? Int(args[2]) ?? 5 : 5
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tf-bench-client-\(getpid())").path
    try await benchClient(runs: runs, dataDir: dir)
case "watch" where args.count == 6 || args.count == 7:
    try watchEvents(port: UInt16(args[2]) ?? 0, path: args[3], token: args[4], count: Int(args[5]) ?? 1,
                    platformPid: args.count == 7 ? Int32(args[6]) : nil)
default:
    FileHandle.standardError.write(Data("usage: techflunky-bench render [RUNS] | client [RUNS] | search [LISTINGS] [QUERIES] [DATADIR] | pgsearch SERVER_URL [LISTINGS] [QUERIES] | watch PORT PATH TOKEN COUNT [PLATFORM_PID]\n".utf8))
    exit(2)
}
