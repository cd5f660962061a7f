/// A permission group an API token may hold, named as in Cloudflare's token editor. Write implies read.
public enum CloudflarePermission: String, CaseIterable, Sendable, Codable {
    case accountSettingsRead = "Account Settings Read"
    case d1Read = "D1 Read"
    case d1Write = "D1 Write"
    case r2Read = "Workers R2 Storage Read"
    case r2Write = "Workers R2 Storage Write"
    case workersRead = "Workers Scripts Read"
    case workersWrite = "Workers Scripts Write"
    case zoneRead = "Zone Read"
    case zoneWrite = "Zone Write"
    case dnsRead = "DNS Read"
    case dnsWrite = "DNS Write"
    case sslRead = "SSL and Certificates Read"
    case sslWrite = "SSL and Certificates Write"

    /// What a buyer's token needs for a whole deployment.
    public static let deployment: Set<CloudflarePermission> = [
        .accountSettingsRead, .d1Write, .r2Write, .workersWrite, .zoneRead, .dnsWrite, .sslWrite,
    ]

    /// Whether holding `self` grants `other`.
    func grants(_ other: CloudflarePermission) -> Bool {
        if self == other { return true }
        switch (self, other) {
        case (.d1Write, .d1Read), (.r2Write, .r2Read), (.workersWrite, .workersRead), (.zoneWrite, .zoneRead),
             (.dnsWrite, .dnsRead), (.sslWrite, .sslRead): return true
        default: return false
        }
    }

    /// Cloudflare's permission-group id shape (32 hex), stable per permission.
    var groupId: String { SandboxIDs.sha256Hex("permission:" + rawValue).prefix(32).description }
}
