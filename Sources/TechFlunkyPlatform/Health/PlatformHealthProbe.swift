import Foundation
import GRDB
import TechFlunkyCore
import TechFlunkyHTTP

/// Works out `GET /api/health`: the database (a timed read that also counts running deployments and holds past
/// due), whether Stripe and Cloudflare answer at the base URLs this platform uses, and webhooks refused lately.
enum PlatformHealthProbe {
    static func run(_ services: PlatformServices) async -> PlatformHealth {
        let configuration = services.configuration
        let now = services.clock.now()
        var checks: [PlatformHealth.Check] = []
        var running = 0, pastDue = 0
        let started = ContinuousClock.now
        do {
            (running, pastDue) = try await counts(services.database, now: now)
            checks.append(.init(name: "database", ok: true, milliseconds: milliseconds(since: started)))
        } catch {
            checks.append(.init(name: "database", ok: false, detail: "\(error)", milliseconds: milliseconds(since: started)))
        }
        // No credentials are sent: any HTTP answer (a 401 included) proves the service is reachable.
        async let stripe = services.reachability.check(name: "stripe", url: configuration.stripeAPIBase + "/v1/balance",
                                                       transport: configuration.httpTransport)
        async let cloudflare = services.reachability.check(name: "cloudflare", url: configuration.cloudflareAPIBase + "/user/tokens/verify",
                                                           transport: configuration.httpTransport)
        checks += await [stripe, cloudflare]
        return PlatformHealth(sandbox: configuration.sandboxMode, checkedAt: now, checks: checks, deploymentsRunning: running,
                              holdsPastDue: pastDue, webhooksRejected: services.metrics.webhooksRejected(since: Date().addingTimeInterval(-PlatformHealth.webhookWindow)))
    }

    static func counts(_ database: PlatformDatabase, now: Date) async throws -> (running: Int, pastDue: Int) {
        let dueBefore = StoredTime.encode(now.addingTimeInterval(-PlatformHealth.pastDueGrace))
        return try await database.pool.read { db in
            let running = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM deployments WHERE state IN ('queued', 'running', 'provisioned', 'rolling_back')") ?? 0
            let pastDue = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM orders
                WHERE state IN ('paid', 'in_review') AND hold_frozen_reason IS NULL AND hold_until <= ?
                """, arguments: [dueBefore]) ?? 0
            return (running, pastDue)
        }
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        let elapsed = ContinuousClock.now - start
        return Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }
}

/// Whether Stripe and Cloudflare answer, asked at most every `ttl` seconds each: a health endpoint polled by
/// every open terminal must not turn into traffic to Stripe.
actor ServiceReachability {
    private var cached: [String: (at: ContinuousClock.Instant, check: PlatformHealth.Check)] = [:]
    let ttl: Duration

    init(ttl: Duration = .seconds(10)) { self.ttl = ttl }

    func check(name: String, url: String, transport: (any HTTPTransport)?) async -> PlatformHealth.Check {
        if let hit = cached[name], ContinuousClock.now - hit.at < ttl { return hit.check }
        let check = await probe(name: name, url: url, transport: transport)
        cached[name] = (ContinuousClock.now, check)
        return check
    }

    private func probe(name: String, url: String, transport: (any HTTPTransport)?) async -> PlatformHealth.Check {
        guard let transport else { return .init(name: name, ok: false, detail: "no HTTP client is configured") }
        let started = ContinuousClock.now
        do {
            let response = try await transport.send(HTTPRequest(method: .GET, url: url, timeouts: HTTPTimeouts(connect: 2, total: 3), retryable: false))
            let took = PlatformHealthProbe.milliseconds(since: started)
            if response.status >= 500 { return .init(name: name, ok: false, detail: "answers HTTP \(response.status)", milliseconds: took) }
            return .init(name: name, ok: true, detail: "answers", milliseconds: took)
        } catch {
            return .init(name: name, ok: false, detail: "\(error)", milliseconds: PlatformHealthProbe.milliseconds(since: started))
        }
    }
}
