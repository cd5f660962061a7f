import TechFlunkyCore

/// What the UI is connected to, as shown in the header. The command line fills it in; the embedded default
/// passes `platformLabel: "sandbox"`.
public struct UIEnvironment: Sendable, Hashable {
    /// `sandbox` or the platform's host.
    public var platformLabel: String
    /// The signed-in account if already known (the UI also asks `GET /api/me`).
    public var accountLabel: String?
    /// Whether colours are off (NO_COLOR or a mono terminal).
    public var noColor: Bool
    /// The embedded sandbox's demo Cloudflare account and token (public constants of the stand-in, not a buyer's
    /// secret): the deploy form offers them with one key so the demo journey needs no real account.
    public var sandboxCloudflare: CloudflareCredentials?
    /// The zone of the sandbox's demo account: a custom domain must be a hostname in it.
    public var sandboxZone: String?

    public init(platformLabel: String, accountLabel: String? = nil, noColor: Bool = false,
                sandboxCloudflare: CloudflareCredentials? = nil, sandboxZone: String? = nil) {
        self.platformLabel = platformLabel
        self.accountLabel = accountLabel
        self.noColor = noColor
        self.sandboxCloudflare = sandboxCloudflare
        self.sandboxZone = sandboxZone
    }
}
