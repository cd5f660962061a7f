import Foundation

/// What the local sandbox daemon (`techflunky sandbox daemon`, started by the first `techflunky` that needs the
/// embedded default) tells every other process about itself, in `daemon.json` (0600) in its data directory.
/// The daemon rewrites it when what it reports changes; it removes it when it stops.
public struct LocalSandboxState: Codable, Sendable, Equatable {
    /// A deployment the daemon is running: stopping the daemon interrupts it.
    public struct RunningDeployment: Codable, Sendable, Equatable {
        public var id: String
        public var listingSlug: String
        public var state: String
        public var domain: String?

        public init(id: String, listingSlug: String, state: String, domain: String? = nil) {
            self.id = id
            self.listingSlug = listingSlug
            self.state = state
            self.domain = domain
        }
    }

    public var pid: Int32
    /// The platform's base URL (`http://127.0.0.1:<port>`).
    public var apiURL: String
    /// The Stripe and Cloudflare stand-ins' base URL (hosted checkout pages, `/sandbox/faults`).
    public var sandboxURL: String?
    public var startedAt: Date
    public var logFile: String
    /// After this long with no request and no deployment running the daemon exits; nil: never.
    public var idleTimeoutSeconds: Double?
    public var runningDeployments: [RunningDeployment]
    /// When the platform last answered a request (nil: none since the start).
    public var lastRequestAt: Date?

    public init(pid: Int32, apiURL: String, sandboxURL: String?, startedAt: Date, logFile: String, idleTimeoutSeconds: Double?,
                runningDeployments: [RunningDeployment] = [], lastRequestAt: Date? = nil) {
        self.pid = pid
        self.apiURL = apiURL
        self.sandboxURL = sandboxURL
        self.startedAt = startedAt
        self.logFile = logFile
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.runningDeployments = runningDeployments
        self.lastRequestAt = lastRequestAt
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()
}
