import Foundation

/// `GET /api/health`: how the platform is doing, for the sandbox's header, `techflunky sandbox status` and an
/// operator's dashboard. `GET /healthz` stays the cheap liveness probe a load balancer calls.
public struct PlatformHealth: Codable, Sendable, Hashable {
    public enum Status: String, Codable, Sendable, Hashable {
        /// Everything answers and nothing waits too long.
        case ok
        /// Serving, but something needs a look: Stripe or Cloudflare unreachable, holds past due, webhooks refused.
        case degraded
        /// The database does not answer: nothing works.
        case down
    }

    /// One dependency the platform needs: `database`, `stripe`, `cloudflare`.
    public struct Check: Codable, Sendable, Hashable {
        public var name: String
        public var ok: Bool
        /// What went wrong (or what answered), for a person.
        public var detail: String?
        /// How long the check took.
        public var milliseconds: Int?

        public init(name: String, ok: Bool, detail: String? = nil, milliseconds: Int? = nil) {
            self.name = name
            self.ok = ok
            self.detail = detail
            self.milliseconds = milliseconds
        }
    }

    /// Holds count as past due after this long past their release time (the scheduler runs every few seconds).
    public static let pastDueGrace: TimeInterval = 60
    /// Refused webhook deliveries count for this long.
    public static let webhookWindow: TimeInterval = 15 * 60

    public var status: Status
    public var version: String
    public var sandbox: Bool
    public var checkedAt: Date
    public var checks: [Check]
    /// Deployments queued, running, waiting for a certificate or rolling back.
    public var deploymentsRunning: Int
    /// Payout holds whose review ended more than `pastDueGrace` ago, not frozen, still not released although their
    /// seller can receive payouts: the release scheduler is stuck or Stripe refuses the transfers.
    public var holdsPastDue: Int
    /// Holds as above whose seller has not finished Stripe onboarding (payouts not enabled yet): they are released
    /// once the seller can receive them. A normal state of the marketplace, so it does not make the status degraded.
    /// Absent from a platform that does not tell the two apart.
    public var holdsAwaitingPayouts: Int?
    /// Stripe webhook deliveries refused (bad or missing signature, stale, not configured) in the last `webhookWindow`.
    public var webhooksRejected: Int

    public init(version: String = TechFlunkyVersion.current, sandbox: Bool, checkedAt: Date, checks: [Check],
                deploymentsRunning: Int, holdsPastDue: Int, holdsAwaitingPayouts: Int = 0, webhooksRejected: Int) {
        self.version = version
        self.sandbox = sandbox
        self.checkedAt = checkedAt
        self.checks = checks
        self.deploymentsRunning = deploymentsRunning
        self.holdsPastDue = holdsPastDue
        self.holdsAwaitingPayouts = holdsAwaitingPayouts
        self.webhooksRejected = webhooksRejected
        status = Self.status(checks: checks, holdsPastDue: holdsPastDue, webhooksRejected: webhooksRejected)
    }

    /// The one rule: down when the database fails, degraded when anything else needs a look.
    public static func status(checks: [Check], holdsPastDue: Int, webhooksRejected: Int) -> Status {
        if checks.contains(where: { $0.name == "database" && !$0.ok }) { return .down }
        if checks.contains(where: { !$0.ok }) || holdsPastDue > 0 || webhooksRejected > 0 { return .degraded }
        return .ok
    }

    /// What needs a look, most serious first, in a few words each ("Stripe unreachable", "2 holds past due").
    public var problems: [String] {
        var out = checks.filter { !$0.ok }.map { check in
            switch check.name {
            case "database": "database failing"
            case "stripe": "Stripe unreachable"
            case "cloudflare": "Cloudflare unreachable"
            default: "\(check.name) failing"
            }
        }
        if holdsPastDue > 0 { out.append("\(holdsPastDue) hold\(holdsPastDue == 1 ? "" : "s") past due") }
        if webhooksRejected > 0 { out.append("\(webhooksRejected) webhook\(webhooksRejected == 1 ? "" : "s") refused") }
        return out
    }
}
