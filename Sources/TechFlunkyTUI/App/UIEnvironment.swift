/// What the UI is connected to, as shown in the header. The command line fills it in; the embedded default
/// passes `platformLabel: "sandbox"`.
public struct UIEnvironment: Sendable, Hashable {
    /// `sandbox` or the platform's host.
    public var platformLabel: String
    /// The signed-in account if already known (the UI also asks `GET /api/me`).
    public var accountLabel: String?
    /// Whether colours are off (NO_COLOR or a mono terminal).
    public var noColor: Bool

    public init(platformLabel: String, accountLabel: String? = nil, noColor: Bool = false) {
        self.platformLabel = platformLabel
        self.accountLabel = accountLabel
        self.noColor = noColor
    }
}
