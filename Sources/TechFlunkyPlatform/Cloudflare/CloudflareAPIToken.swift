import Foundation

/// A buyer's Cloudflare API token, held in memory for the length of one run.
///
/// It prints as `[redacted]` wherever it is interpolated, dumped or logged, so a stray
/// `"\(client)"` or `dump(request)` cannot leak it. The only way to the raw text is
/// `bearerValue`, used for the `Authorization` header and nothing else.
public struct CloudflareAPIToken: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private let raw: String

    public init(_ raw: String) { self.raw = raw.trimmingCharacters(in: .whitespacesAndNewlines) }

    public var isEmpty: Bool { raw.isEmpty }

    /// `Bearer <token>`, for the one header that needs it.
    var bearerValue: String { "Bearer \(raw)" }

    public var description: String { "[redacted]" }
    public var debugDescription: String { "CloudflareAPIToken([redacted])" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
