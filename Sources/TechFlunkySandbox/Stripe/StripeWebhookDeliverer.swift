import Foundation
import GRDB
import Logging
import TechFlunkyHTTP

/// Delivers Stripe events to the platform's webhook endpoint, signed as Stripe signs them, over the project's
/// HTTP client (`TechFlunkyHTTP`), and retries a failed delivery with Core's `RetryPolicy` (0.5 s, 1 s, 2 s …
/// capped at 60 s, no jitter; real Stripe stretches the same idea over three days). Pending deliveries live in
/// SQLite, so a restart resumes them.
public actor StripeWebhookDeliverer {
    public struct Endpoint: Sendable {
        public var url: String
        public var secret: String
        public init(url: String, secret: String) {
            self.url = url
            self.secret = secret
        }
    }

    private let database: SandboxDatabase
    private let clock: SandboxClock
    private let logger: Logger
    /// One attempt per delivery at the transport (the retries are this actor's, on the schedule above).
    private let transport: any HTTPTransport
    private var endpoint: Endpoint?
    private var inFlight: Set<String> = []
    private var loop: Task<Void, Never>?
    let maxAttempts: Int
    let baseDelay: Double

    init(database: SandboxDatabase, clock: SandboxClock, endpoint: Endpoint?, logger: Logger, maxAttempts: Int = 12,
         baseDelay: Double = 0.5,
         transport: any HTTPTransport = CurlHTTPClient(configuration: .init(timeouts: HTTPTimeouts(connect: 5, total: 10), retry: .never))) {
        self.transport = transport
        self.database = database
        self.clock = clock
        self.endpoint = endpoint
        self.logger = logger
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
    }

    func setEndpoint(_ endpoint: Endpoint?) {
        self.endpoint = endpoint
        kickNow()
    }

    /// Starts the retry loop (every 200 ms it sends whatever is due).
    func start() {
        guard loop == nil else { return }
        loop = Task { [weak self] in
            while !Task.isCancelled {
                await self?.kick()
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    func stop() {
        loop?.cancel()
        loop = nil
    }

    private func kickNow() { Task { await self.kick() } }

    /// Sends every event that is due and not already being sent.
    func kick() async {
        guard let endpoint else { return }
        let now = clock.now().timeIntervalSince1970
        let due: [(String, Data, Int)]
        do {
            due = try await database.writer.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT id, json, attempts FROM stripe_event
                    WHERE delivered_at IS NULL AND failed = 0 AND next_attempt_at <= ? ORDER BY created, rowid LIMIT 50
                    """, arguments: [now]).map { ($0["id"], $0["json"], $0["attempts"]) }
            }
        } catch {
            logger.error("cannot read pending webhook events", metadata: ["error": "\(error)"])
            return
        }
        for (id, body, attempts) in due where !inFlight.contains(id) {
            inFlight.insert(id)
            Task { await self.deliver(id: id, body: body, attempts: attempts, to: endpoint) }
        }
    }

    private func deliver(id: String, body: Data, attempts: Int, to endpoint: Endpoint) async {
        let timestamp = clock.unixTime
        let signature = StripeSignature.header(secret: endpoint.secret, timestamp: timestamp, payload: body)
        var outcome: String
        var delivered = false
        do {
            let response = try await transport.send(HTTPRequest(method: .POST, url: endpoint.url, headers: [
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": signature,
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            ], body: body, retryable: false))
            delivered = (200..<300).contains(response.status)
            outcome = "HTTP \(response.status)"
        } catch {
            outcome = "\(error)"
        }
        let attempt = attempts + 1
        let giveUp = !delivered && attempt >= maxAttempts
        let delay = RetryPolicy(maxAttempts: maxAttempts, baseDelay: baseDelay, maxDelay: 60, jitter: .none).backoff(afterAttempt: attempt)
        let now = clock.now().timeIntervalSince1970
        let (wasDelivered, lastOutcome) = (delivered, outcome)
        do {
            try await database.writer.write { db in
                if wasDelivered {
                    try db.execute(sql: "UPDATE stripe_event SET attempts = ?, delivered_at = ?, last_error = NULL WHERE id = ?",
                                   arguments: [attempt, now, id])
                } else {
                    try db.execute(sql: "UPDATE stripe_event SET attempts = ?, next_attempt_at = ?, failed = ?, last_error = ? WHERE id = ?",
                                   arguments: [attempt, now + delay, giveUp ? 1 : 0, lastOutcome, id])
                }
            }
        } catch {
            logger.error("cannot record webhook delivery", metadata: ["event": "\(id)", "error": "\(error)"])
        }
        if delivered {
            logger.debug("webhook delivered", metadata: ["event": "\(id)", "attempt": "\(attempt)"])
        } else {
            logger.notice("webhook delivery failed", metadata: ["event": "\(id)", "attempt": "\(attempt)", "outcome": "\(outcome)",
                                                                "gave_up": "\(giveUp)"])
        }
        inFlight.remove(id)
    }
}
