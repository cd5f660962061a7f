import Foundation

/// Stripe's webhook signature: `Stripe-Signature: t=<unix time>,v1=<hex>[,v1=…][,v0=…]`. The expected
/// signature is HMAC-SHA256 keyed with the whole `whsec_…` secret over `"{t}.{raw body}"`. Any `v1` may match
/// (Stripe sends several while a secret is rolled); other schemes are ignored; a timestamp older than the
/// tolerance is refused (replays); comparison is constant-time.
public enum StripeSignature {
    public static let defaultTolerance: TimeInterval = 300

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case missingHeader
        case malformedHeader
        case noV1Signature
        case timestampOutsideTolerance(age: Int64)
        case mismatch

        public var description: String {
            switch self {
            case .missingHeader: "the Stripe-Signature header is missing"
            case .malformedHeader: "the Stripe-Signature header has no usable timestamp"
            case .noV1Signature: "the Stripe-Signature header has no v1 signature"
            case let .timestampOutsideTolerance(age): "the signature timestamp is \(age) s old, beyond the tolerance"
            case .mismatch: "no v1 signature matches the payload with the configured secret"
            }
        }
    }

    /// The parts of a `Stripe-Signature` header that matter: the signed timestamp and every `v1` signature.
    /// Items are `key=value` separated by commas, spaces and tabs around either ignored; items without `=` and other
    /// schemes (`v0`) are skipped; the last `t` wins. The header is read as the characters it is sent as (Unicode
    /// scalars), not as graphemes: a combining mark after a comma must not hide the comma. Pure, so it is fuzzed
    /// without the cryptography.
    public struct Header: Equatable, Sendable {
        public var timestamp: Int64
        public var v1: [String]

        public init(timestamp: Int64, v1: [String]) {
            self.timestamp = timestamp
            self.v1 = v1
        }

        public init(parsing header: String?) throws {
            guard let header, !header.isEmpty else { throw Failure.missingHeader }
            var timestamp: Int64?
            var signatures: [String] = []
            for item in header.unicodeScalars.split(separator: ",") {
                let pair = item.split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { continue }
                let key = Self.trimmed(pair[0])
                let value = Self.trimmed(pair[1])
                if key == "t" { timestamp = Int64(value) } else if key == "v1" { signatures.append(value) }
            }
            guard let timestamp else { throw Failure.malformedHeader }
            guard !signatures.isEmpty else { throw Failure.noV1Signature }
            self.timestamp = timestamp
            self.v1 = signatures
        }

        /// A header item's key or value without the spaces and tabs around it.
        private static func trimmed(_ part: Substring.UnicodeScalarView) -> String {
            let blank: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" }
            guard let first = part.firstIndex(where: { !blank($0) }), let last = part.lastIndex(where: { !blank($0) }) else { return "" }
            return String(String.UnicodeScalarView(part[first...last]))
        }

        /// The header Stripe would send for these values.
        public var text: String { (["t=\(timestamp)"] + v1.map { "v1=\($0)" }).joined(separator: ",") }
    }
}
