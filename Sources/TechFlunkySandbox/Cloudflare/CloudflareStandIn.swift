import Foundation
import GRDB
import Synchronization

/// The Cloudflare stand-in's behaviour: API tokens with permission sets, accounts, D1 (real SQLite files),
/// R2 buckets and CORS, Workers scripts (multipart uploads checked against what exists), the workers.dev
/// subdomain, secrets, zones, DNS records and custom hostnames. State lives in `cf_object`; token values
/// and secret values are kept only as SHA-256 digests.
///
/// This file holds the state every resource shares (database, D1 files, clock, rate limit, pace); each
/// resource's operations are in `CloudflareStandIn+<Resource>.swift` (Tokens, D1, R2, Workers, CustomDomains, Zones).
public final class CloudflareStandIn: Sendable {
    /// The demo account seeded on first start, with a token holding every permission.
    public static let demoAccountId = "7d3e0a1f5b9c4e2a8f6d1c3b5a7e9f01"
    public static let demoAccountName = "TechFlunky Demo Buyer"
    /// A sandbox-only credential, documented so the demo can prefill it; stored only as a digest.
    public static let demoToken = "tfsandbox_demo_token_4mZ8qP2vL6xR9tK3wN7c"
    public static let demoZone = "example-buyer.dev"
    public static let demoSubdomain = "techflunky-demo"

    /// Who owns a token: a user (verified at `/user/tokens/verify`) or an account (only at
    /// `/accounts/{id}/tokens/verify`; the user endpoint answers code 1000 for it).
    enum TokenOwner: String, Sendable { case user, account }

    struct Token: Sendable {
        var id: String
        var accountId: String
        var permissions: Set<CloudflarePermission>
        var owner: TokenOwner = .user

        func has(_ p: CloudflarePermission) -> Bool { permissions.contains { $0.grants(p) } }
    }

    let database: SandboxDatabase
    let d1: D1DatabaseFiles
    let clock: MovableClock
    let rateLimit: Int
    /// Call times per account in the last five minutes, for the rate limit (`countRequest`).
    let requestLog = Mutex<[String: [Double]]>([:])
    private let pace: Mutex<CloudflarePace>

    init(database: SandboxDatabase, clock: MovableClock, rateLimit: Int, pace: CloudflarePace = .instant) throws {
        // The throwing part first: Swift 6.3's optimiser crashes (CopyPropagation, -O) on a class init that
        // throws after a `Mutex` field is set, when it cleans up the half-built object.
        d1 = try D1DatabaseFiles(directory: database.directory.appendingPathComponent("d1"))
        self.database = database
        self.clock = clock
        self.rateLimit = rateLimit
        self.pace = Mutex(pace)
    }

    var timestamp: String { WireTime.iso(clock.now()) }

    func setPace(_ new: CloudflarePace) { pace.withLock { $0 = new } }
    var currentPace: CloudflarePace { pace.withLock { $0 } }

    /// Waits as long as Cloudflare would take to answer this call.
    func paced(method: String, path: String) async {
        let seconds = CloudflarePace.draw(currentPace.latency(method: method, path: path))
        if seconds > 0 { try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9)) }
    }
}

/// Cloudflare's timestamps: RFC 3339 with microseconds, e.g. `2024-05-01T12:00:00.123456Z`.
enum WireTime {
    static func iso(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    static func parse(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)) ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}
