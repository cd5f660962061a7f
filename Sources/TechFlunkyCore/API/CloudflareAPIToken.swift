import Foundation

/// A buyer's Cloudflare API token: typed from the deploy form or the CLI to the Cloudflare client, held in
/// memory for the length of one run and never stored.
///
/// It prints as `redactedSecret` (`<redacted>`) wherever it is interpolated, dumped or logged, so a stray
/// `"\(request)"` or `dump(credentials)` cannot leak it. Its text leaves it only through `bearerAuthorization`
/// (the `Authorization` header), JSON encoding (a request to the platform carries it as a plain string), and
/// `secretValue` (to fill the sandbox's demo token into a masked field).
public struct CloudflareAPIToken: Sendable, Hashable, Codable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// Why a text cannot be a Cloudflare API token. Never holds the text itself.
    public enum ShapeProblem: Error, Equatable, Sendable {
        case empty
        /// A space, control or non-ASCII character.
        case notPrintable
        /// Outside `allowedLength`; the count of characters.
        case length(Int)
    }

    /// Cloudflare's tokens are 40 characters; the range leaves room for other issuers' formats.
    public static let allowedLength = 20...256

    private let raw: String

    /// The token as given, outer white space and line breaks dropped (a pasted token often ends in one).
    public init(_ raw: String) { self.raw = raw.trimmingCharacters(in: .whitespacesAndNewlines) }

    public init(from decoder: Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(raw)
    }

    public var isEmpty: Bool { raw.isEmpty }

    /// The one token-shape rule: one word of printable ASCII, `allowedLength` characters long.
    public var shapeProblem: ShapeProblem? {
        if raw.isEmpty { return .empty }
        guard raw.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }) else { return .notPrintable }
        guard Self.allowedLength.contains(raw.count) else { return .length(raw.count) }
        return nil
    }

    /// `Bearer <token>`, for the one header that needs it.
    public var bearerAuthorization: String { "Bearer \(raw)" }

    /// The token's text, for the few places that must hand it on as text (a masked input field). Never for
    /// display, a log or an error message.
    public var secretValue: String { raw }

    public var description: String { redactedSecret }
    public var debugDescription: String { "CloudflareAPIToken(\(redactedSecret))" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
