import Crypto
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

    /// The hex `v1` signature of `payload` at `timestamp`.
    public static func sign(payload: Data, timestamp: Int64, secret: String) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(payload)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Checks `header` against the raw `payload`; returns the signed timestamp.
    @discardableResult
    public static func verify(header: String?, payload: Data, secret: String, now: Date,
                              tolerance: TimeInterval = defaultTolerance) throws -> Int64 {
        guard let header, !header.isEmpty else { throw Failure.missingHeader }
        var timestamp: Int64?
        var signatures: [String] = []
        for item in header.split(separator: ",") {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let key = pair[0].trimmingCharacters(in: .whitespaces)
            let value = pair[1].trimmingCharacters(in: .whitespaces)
            if key == "t" { timestamp = Int64(value) } else if key == "v1" { signatures.append(value) }
        }
        guard let timestamp else { throw Failure.malformedHeader }
        guard !signatures.isEmpty else { throw Failure.noV1Signature }
        let expected = Data(sign(payload: payload, timestamp: timestamp, secret: secret).utf8)
        guard signatures.contains(where: { ConstantTime.equal(Data($0.lowercased().utf8), expected) }) else { throw Failure.mismatch }
        // As Stripe's libraries do: only a timestamp too far in the past is refused.
        let age = Int64(now.timeIntervalSince1970.rounded(.down)) - timestamp
        guard tolerance <= 0 || Double(age) <= tolerance else { throw Failure.timestampOutsideTolerance(age: age) }
        return timestamp
    }
}
