// The PostgreSQL search figure (issue 16): the same query mix as `benchSearch` over a catalog of generated listings
// on PostgreSQL, through `PostgresCatalogStore`. Figures only.
import Foundation
import Logging
import PostgresNIO
import TechFlunkyCore
import TechFlunkyPlatform

/// A direct connection to `url` (the bench's own throwaway server: loopback, no TLS).
func benchConnection(_ url: PostgresURL, logger: Logger) async throws -> PostgresConnection {
    let configuration: PostgresConnection.Configuration
    switch url.endpoint {
    case .tcp(let host, let port):
        configuration = .init(host: host, port: port, username: url.username, password: url.password, database: url.database, tls: .disable)
    case .unixSocket(let path):
        configuration = .init(unixSocketPath: path, username: url.username, password: url.password, database: url.database)
    }
    return try await PostgresConnection.connect(configuration: configuration, id: 9, logger: logger)
}

func execute(_ connection: PostgresConnection, _ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
    var rows: [PostgresRow] = []
    for try await row in try await connection.query(query, logger: logger) { rows.append(row) }
    return rows
}

/// Fills `listings` with `count` generated listings in one `INSERT … SELECT` from `generate_series`, with the words,
/// price ranges and spacing in time of `SyntheticCatalog` (which fills the SQLite figure's catalog): the secondary
/// indexes (full text, trigrams, sorts) are dropped first and built again from their own definitions afterwards,
/// which is several times faster than keeping them up to date row by row. Kept between runs: a database that
/// already holds `count` listings is used as it is.
func fillPostgresCatalog(serverURL: PostgresURL, count: Int, logger: Logger) async throws -> (url: PostgresURL, seconds: Double) {
    let name = "tf_bench_search_\(count)"
    let admin = try await benchConnection(serverURL, logger: logger)
    if try await execute(admin, "SELECT 1 FROM pg_database WHERE datname = \(name)", logger: logger).isEmpty {
        _ = try await execute(admin, PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
    }
    try await admin.close()
    let url = serverURL.with(database: name)
    try await PostgresDatabase.open(url, logger: logger, maximumConnections: 1).close()  // migrates

    let connection = try await benchConnection(url, logger: logger)
    defer { Task { try? await connection.close() } }
    let have = try await execute(connection, "SELECT count(*)::bigint FROM listings", logger: logger).first!.decode(Int64.self)
    guard have != count else { return (url, 0) }
    let started = ContinuousClock.now
    func run(_ sql: String) async throws { _ = try await execute(connection, PostgresQuery(unsafeSQL: sql), logger: logger) }
    func array(_ words: [String]) -> String { "ARRAY[" + words.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" }.joined(separator: ",") + "]" }

    try await run("TRUNCATE listings RESTART IDENTITY CASCADE")
    let now = Int64(Date().timeIntervalSince1970 * 1000)
    try await run("""
        INSERT INTO accounts (id, email, display_name, password_hash, created_at)
        VALUES ('usr_bench_synthetic', 'synthetic-seller@techflunky.dev', 'Synthetic Seller', 'x', \(now)) ON CONFLICT DO NOTHING
        """)
    var indexes: [(name: String, definition: String)] = []
    for row in try await execute(connection, """
        SELECT indexname::text, indexdef::text FROM pg_indexes
        WHERE schemaname = current_schema() AND tablename = 'listings'
          AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'listings'::regclass)
        """, logger: logger) {
        indexes.append(try row.decode((String, String).self))
    }
    for index in indexes { try await run("DROP INDEX \(index.name)") }

    let manifest = String(decoding: try JSONEncoder().encode(PackageManifest(
        id: "synthetic", name: "Synthetic business", slug: "synthetic", version: "1.0.0",
        cloudflare: CloudflareResources(workers: [], d1Databases: [], r2Buckets: [], dnsRecords: []), businessAssets: [:])), as: UTF8.self)
        .replacingOccurrences(of: "'", with: "''")
    // `pick(k, words)`: word k of a listing, from a hash of its number (the same catalog on every run).
    func pick(_ k: Int, _ words: [String]) -> String { "(\(array(words)))[1 + (abs(hashint8(g * 16 + \(k))::bigint) % \(words.count))]" }
    func number(_ k: Int) -> String { "abs(hashint8(g * 16 + \(k))::bigint)" }
    try await run("""
        INSERT INTO listings (id, slug, seller_id, title, tagline, description, category, currency, price, revenue, profit, multiple,
                              age_months, tech_stack, visitors, status, manifest, assets, created_at, updated_at)
        SELECT 'lst_synthetic_' || g, 'synthetic-' || g, 'usr_bench_synthetic', t.title, t.tagline,
               'A profitable ' || lower(t.title) || ' serving ' || t.audience || '. ' || \(pick(8, SyntheticCatalog.adjectives)) || ' onboarding, '
                 || lower(\(pick(9, SyntheticCatalog.nouns))) || ' built in, runs on ' || t.stack1 || '.',
               \(pick(10, SyntheticCatalog.categories)), 'USD', m.price, m.revenue, m.profit,
               CASE WHEN m.profit > 0 THEN m.price::float8 / (m.profit * 12) ELSE 1e15 END,
               1 + \(number(11)) % 96, '["' || t.stack1 || '","' || t.stack2 || '"]', \(number(12)) % 200000, 'active',
               '\(manifest)', '[]', \(now) - (\(count) - g) * 1000, \(now) - (\(count) - g) * 1000
        FROM generate_series(1, \(count)) AS g,
        LATERAL (SELECT \(pick(1, SyntheticCatalog.adjectives)) || ' ' || \(pick(2, SyntheticCatalog.nouns)) || ' ' || \(pick(3, SyntheticCatalog.kinds)) AS title,
                        \(pick(4, SyntheticCatalog.nouns)) || ' for ' || \(pick(5, SyntheticCatalog.audiences)) || ', on the edge' AS tagline,
                        \(pick(5, SyntheticCatalog.audiences)) AS audience,
                        \(pick(6, SyntheticCatalog.stacks)) AS stack1, \(pick(7, SyntheticCatalog.stacks)) AS stack2) AS t,
        LATERAL (SELECT 50000 + \(number(13)) % 50000000 AS price) AS p,
        LATERAL (SELECT p.price, r.revenue, r.revenue * (30 + \(number(15)) % 60) / 100 AS profit
                 FROM (SELECT \(number(14)) % greatest(p.price / 20, 1) AS revenue) AS r) AS m
        """)
    try await run("SET maintenance_work_mem = '256MB'")
    for index in indexes { try await run(index.definition) }
    try await run("VACUUM (ANALYZE) listings")
    return (url, Double((ContinuousClock.now - started).components.seconds))
}

/// `count` listings on the PostgreSQL server `serverURL` names (a database of its own, kept between runs), then the
/// search mix through `PostgresCatalogStore`.
func benchPostgresSearch(count: Int, queries: Int, serverURL: String) async throws {
    var logger = Logger(label: "bench")
    logger.logLevel = .error
    let server = try PostgresURL(parsing: serverURL)
    let (url, fillSeconds) = try await fillPostgresCatalog(serverURL: server, count: count, logger: logger)
    let database = try await PostgresDatabase.open(url, logger: logger, maximumConnections: 4)
    let catalog = PostgresCatalogStore(database: database, generation: CatalogGeneration())
    var timed: [(query: ListingQuery, ms: Double)] = []
    var figures = try await runSearchMix(texts: searchTexts(queries: queries)) { query in
        let t0 = ContinuousClock.now
        let page = try await catalog.search(query)
        timed.append((query, ms(ContinuousClock.now - t0)))
        return page
    }
    await database.close()
    figures["fill_seconds"] = fillSeconds
    let environment = ProcessInfo.processInfo.environment
    if let slowest = environment["BENCH_PG_SEARCH_PROFILE"].flatMap(Int.init), slowest > 0 {
        try await profileSlowestSearches(timed, count: slowest, serverURL: server, url: url, serverLog: environment["BENCH_PG_SERVER_LOG"], logger: logger)
    }
    emit(figures)
}

/// The profile behind the figure (`scripts/pgsearch-profile`): the `count` slowest searches of the mix with their
/// shape, then each run again with contrib's auto_explain logging `EXPLAIN (ANALYZE, BUFFERS)` of every statement
/// it runs into the server's log (`serverLog`, read from where it ended before the search). auto_explain is set on
/// the bench's own database for new sessions only while this runs. Writes to stderr; the figures are unchanged.
func profileSlowestSearches(_ timed: [(query: ListingQuery, ms: Double)], count: Int, serverURL: PostgresURL, url: PostgresURL,
                            serverLog: String?, logger: Logger) async throws {
    func say(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    func shape(_ q: ListingQuery) -> String {
        var parts = ["q=\"\(q.q ?? "")\"", "tsquery=\(PostgresCatalogStore.tsQuery(q.q) ?? "-")", "sort=\(q.sort?.rawValue ?? "relevance")"]
        if let c = q.category { parts.append("category=\(c)") }
        if let v = q.minPrice { parts.append("minPrice=\(v)") }
        if let v = q.maxPrice { parts.append("maxPrice=\(v)") }
        parts.append(q.cursor == nil ? "page=first" : "page=cursor")
        if q.reverse { parts.append("reverse") }
        return parts.joined(separator: " ")
    }
    // Which searches fell back to typo matching (no listing has every word; the mix has no filters).
    let reader = try await benchConnection(url, logger: logger)
    var typos: [String: Bool] = [:]
    for text in Set(timed.compactMap(\.query.q)) {
        guard let tsQuery = PostgresCatalogStore.tsQuery(text) else { continue }
        typos[text] = try await execute(reader, """
            SELECT 1 FROM listings l WHERE l.status = 'active' AND l.search @@ to_tsquery('simple', techflunky_unaccent(\(tsQuery))) LIMIT 1
            """, logger: logger).isEmpty
    }
    try await reader.close()
    func isTypo(_ q: ListingQuery) -> Bool { q.q.flatMap { typos[$0] } ?? false }
    let typoTimes = timed.filter { isTypo($0.query) }.map(\.ms), exactTimes = timed.filter { !isTypo($0.query) }.map(\.ms)
    say(String(format: "== %d searches matched every word: p50 %.1f ms, p99 %.1f ms; %d fell back to typos: p50 %.1f ms, p99 %.1f ms",
               exactTimes.count, percentile(exactTimes, 50), percentile(exactTimes, 99), typoTimes.count, percentile(typoTimes, 50),
               percentile(typoTimes, 99)))
    let slowest = timed.enumerated().sorted { $0.element.ms > $1.element.ms }.prefix(count)
    say("== the \(slowest.count) slowest of \(timed.count) searches")
    for (i, entry) in slowest {
        say(String(format: "%8.1f ms  #%d  ", entry.ms, i) + shape(entry.query) + (isTypo(entry.query) ? "  (typos: no listing has every word)" : ""))
    }
    guard let serverLog else {
        say("(BENCH_PG_SERVER_LOG names the server's log: without it, no plans)")
        return
    }
    let admin = try await benchConnection(serverURL, logger: logger)
    let settings = ["session_preload_libraries = 'auto_explain'", "auto_explain.log_min_duration = 0", "auto_explain.log_analyze = on",
                    "auto_explain.log_buffers = on", "auto_explain.log_timing = on"]
    _ = try await execute(admin, "LOAD 'auto_explain'", logger: logger)
    for setting in settings { _ = try await execute(admin, PostgresQuery(unsafeSQL: "ALTER DATABASE \(url.database) SET \(setting)"), logger: logger) }
    do {
        let database = try await PostgresDatabase.open(url, logger: logger, maximumConnections: 1)
        let catalog = PostgresCatalogStore(database: database, generation: CatalogGeneration())
        for (i, entry) in slowest {
            let before = (try? FileManager.default.attributesOfItem(atPath: serverLog)[.size] as? Int) ?? 0
            let t0 = ContinuousClock.now
            _ = try await catalog.search(entry.query)
            say(String(format: "\n== #%d again: %.1f ms (%.1f ms in the mix)  ", i, ms(ContinuousClock.now - t0), entry.ms) + shape(entry.query))
            guard let handle = FileHandle(forReadingAtPath: serverLog) else { say("(cannot read \(serverLog))"); continue }
            try handle.seek(toOffset: UInt64(before))
            let text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
            try handle.close()
            // auto_explain's entries only: "duration: … plan:" and the plan's lines (tab-indented continuation lines).
            var inPlan = false
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.contains("LOG:  duration:") && line.contains("plan:") {
                    inPlan = true
                    say("-- " + String(line[line.range(of: "duration:")!.lowerBound...]))
                } else if inPlan && (line.hasPrefix("\t") || line.hasPrefix(" ")) {
                    say(String(line))
                } else {
                    inPlan = false
                }
            }
        }
        await database.close()
    } catch {
        _ = try? await execute(admin, PostgresQuery(unsafeSQL: "ALTER DATABASE \(url.database) RESET ALL"), logger: logger)
        try? await admin.close()
        throw error
    }
    _ = try await execute(admin, PostgresQuery(unsafeSQL: "ALTER DATABASE \(url.database) RESET ALL"), logger: logger)
    try await admin.close()
}

/// The search benches' queries (`benchSearch` and this one), the same on every run so runs, machines and engines
/// compare: single words, typed prefixes, two words, a word and a prefix.
func searchTexts(queries: Int) -> [String] {
    let words = ["invoice", "booking", "newsletter", "analytics", "recipe", "fitness", "podcast", "survey", "inventory",
                 "ticketing", "rapid", "quiet", "bright", "lean", "nimble", "clever", "smart", "tiny", "global", "local",
                 "saas", "tool", "studio", "hub", "kit", "tracker", "builder", "manager", "platform", "monitor", "assistant",
                 "freelancers", "agencies", "schools", "clinics", "restaurants", "creators", "shops"]
    var rng = SplitMix64(seed: 0x7ec4_f1a2)
    var texts: [String] = []
    for i in 0..<queries {
        let a = words.randomElement(using: &rng)!, b = words.randomElement(using: &rng)!
        switch i % 4 {
        case 0: texts.append(a)
        case 1: texts.append(String(a.prefix(max(2, a.count / 2))))  // typing: a prefix
        case 2: texts.append("\(a) \(b)")
        default: texts.append("\(a) \(b.prefix(3))")
        }
    }
    return texts
}

/// `texts` through `search` as `benchSearch` runs them (every fifth sorted by price, the rest by relevance, 50 a
/// page): p50/p99 overall and per sort, and how many counts stopped at the limit.
func runSearchMix(texts: [String], search: (ListingQuery) async throws -> ListingPage) async throws -> [String: Any] {
    let clock = ContinuousClock()
    var samples: [Double] = [], relevance: [Double] = [], byPrice: [Double] = [], capped = 0
    for (i, q) in texts.enumerated() {
        let sort: ListingSort? = i % 5 == 0 ? .priceAsc : nil
        let t0 = clock.now
        let page = try await search(ListingQuery(q: q, sort: sort, limit: 50))
        let elapsed = ms(clock.now - t0)
        samples.append(elapsed)
        if sort == nil { relevance.append(elapsed) } else { byPrice.append(elapsed) }
        if page.totalIsLowerBound { capped += 1 }
    }
    return ["p50_ms": percentile(samples, 50), "p99_ms": percentile(samples, 99), "max_ms": samples.max() ?? 0, "queries": samples.count,
            "relevance_p50_ms": percentile(relevance, 50), "relevance_p99_ms": percentile(relevance, 99),
            "price_p50_ms": percentile(byPrice, 50), "price_p99_ms": percentile(byPrice, 99), "counted_past_limit": capped]
}
