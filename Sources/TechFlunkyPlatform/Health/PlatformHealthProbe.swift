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
        var running = 0, pastDue = 0, awaitingPayouts = 0
        let started = ContinuousClock.now
        do {
            (running, pastDue, awaitingPayouts) = try await counts(services, now: now)
            checks.append(.init(name: "database", ok: true, milliseconds: milliseconds(since: started)))
        } catch {
            checks.append(.init(name: "database", ok: false, detail: "\(error)", milliseconds: milliseconds(since: started)))
        }
        // Stripe: a read of a charge that does not exist, with the platform's own key (as every Stripe call is
        // made): 404 proves Stripe answers and takes the key. Cloudflare: the platform holds no Cloudflare
        // credentials (a buyer's token lives for one deployment), so it can only tell whether the API's host
        // accepts a connection; an unauthenticated request would break Cloudflare's contract.
        async let stripe = services.reachability.check(name: "stripe") {
            await ServiceReachability.stripe(base: configuration.stripeAPIBase, key: configuration.stripeSecretKey, transport: configuration.httpTransport)
        }
        async let cloudflare = services.reachability.check(name: "cloudflare") {
            await ServiceReachability.connectable(base: configuration.cloudflareAPIBase, connect: services.reachability.connect)
        }
        checks += await [stripe, cloudflare]
        return PlatformHealth(sandbox: configuration.sandboxMode, checkedAt: now, checks: checks, deploymentsRunning: running,
                              holdsPastDue: pastDue, holdsAwaitingPayouts: awaitingPayouts, webhooksRejected: services.metrics.webhooksRejected(since: Date().addingTimeInterval(-PlatformHealth.webhookWindow)))
    }

    static func counts(_ services: PlatformServices, now: Date) async throws -> (running: Int, pastDue: Int, awaitingPayouts: Int) {
        let running = try await services.deployments.store.count(inStates: DeploymentState.underWay)
        let holds = try await services.orders.holdCounts(dueBefore: now.addingTimeInterval(-PlatformHealth.pastDueGrace))
        return (running, holds.pastDue, holds.awaitingPayouts)
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        let elapsed = ContinuousClock.now - start
        return Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }
}

/// Whether Stripe and Cloudflare answer, asked at most every `ttl` seconds each: a health endpoint polled by
/// every open terminal must not turn into traffic to Stripe.
actor ServiceReachability {
    /// Opens (and closes) a TCP connection to host:port within the timeout, or throws why not.
    typealias Connect = @Sendable (_ host: String, _ port: Int, _ timeout: TimeInterval) async throws -> Void

    private var cached: [String: (at: ContinuousClock.Instant, check: PlatformHealth.Check)] = [:]
    let ttl: Duration
    nonisolated let connect: Connect

    init(ttl: Duration = .seconds(10), connect: @escaping Connect = TCPProbe.connect) {
        self.ttl = ttl
        self.connect = connect
    }

    func check(name: String, _ probe: @Sendable () async -> PlatformHealth.Check) async -> PlatformHealth.Check {
        if let hit = cached[name], ContinuousClock.now - hit.at < ttl { return hit.check }
        let check = await probe()
        cached[name] = (ContinuousClock.now, check)
        return check
    }

    static let stripeProbeCharge = "ch_techflunky_health_probe"

    static func stripe(base: String, key: String, transport: (any HTTPTransport)?) async -> PlatformHealth.Check {
        guard let transport else { return .init(name: "stripe", ok: false, detail: "no HTTP client is configured") }
        guard !key.isEmpty else { return .init(name: "stripe", ok: false, detail: "not configured (STRIPE_SECRET_KEY)") }
        let started = ContinuousClock.now
        do {
            let response = try await transport.send(HTTPRequest(method: .GET, url: "\(base)/v1/charges/\(stripeProbeCharge)",
                                                                headers: ["Authorization": "Bearer \(key)"],
                                                                timeouts: HTTPTimeouts(connect: 2, total: 3), retryable: false))
            let took = PlatformHealthProbe.milliseconds(since: started)
            switch response.status {
            case 401: return .init(name: "stripe", ok: false, detail: "refuses the platform's key (HTTP 401)", milliseconds: took)
            case 500...: return .init(name: "stripe", ok: false, detail: "answers HTTP \(response.status)", milliseconds: took)
            default: return .init(name: "stripe", ok: true, detail: "answers", milliseconds: took)
            }
        } catch {
            return .init(name: "stripe", ok: false, detail: "\(error)", milliseconds: PlatformHealthProbe.milliseconds(since: started))
        }
    }

    static func connectable(base: String, connect: Connect) async -> PlatformHealth.Check {
        guard let url = URL(string: base), let host = url.host else {
            return .init(name: "cloudflare", ok: false, detail: "the API base \(base) is not a URL")
        }
        let port = url.port ?? (url.scheme == "https" ? 443 : 80)
        let started = ContinuousClock.now
        do {
            try await connect(host, port, 2)
            return .init(name: "cloudflare", ok: true, detail: "accepts connections", milliseconds: PlatformHealthProbe.milliseconds(since: started))
        } catch {
            return .init(name: "cloudflare", ok: false, detail: "\(error)", milliseconds: PlatformHealthProbe.milliseconds(since: started))
        }
    }
}

/// A TCP connect with a timeout (POSIX, on a thread of its own: it blocks for up to the timeout).
enum TCPProbe {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func connect(host: String, port: Int, timeout: TimeInterval) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            Thread.detachNewThread {
                continuation.resume(with: Result { try connectBlocking(host: host, port: port, timeout: timeout) })
            }
        }
    }

    static func connectBlocking(host: String, port: Int, timeout: TimeInterval) throws {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else { throw Failure(description: "cannot resolve \(host): \(String(cString: gai_strerror(status)))") }
        defer { freeaddrinfo(list) }
        var lastError = "no address for \(host)"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return }
            guard errno == EINPROGRESS else { lastError = String(cString: strerror(errno)); continue }
            var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&poller, 1, Int32(timeout * 1000))
            guard ready > 0 else { lastError = "no connection to \(host):\(port) within \(Int(timeout)) s"; continue }
            var soError: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &length)
            if soError == 0 { return }
            lastError = "\(host):\(port): \(String(cString: strerror(soError)))"
        }
        throw Failure(description: lastError)
    }
}
