import Crypto
import Foundation

/// Signing and checking (the header's grammar is in StripeSignatureHeader.swift, which needs no cryptography and is
/// fuzzed on its own).
extension StripeSignature {
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
        let parsed = try Header(parsing: header)
        let timestamp = parsed.timestamp, signatures = parsed.v1
        let expected = Data(sign(payload: payload, timestamp: timestamp, secret: secret).utf8)
        guard signatures.contains(where: { ConstantTime.equal(Data($0.lowercased().utf8), expected) }) else { throw Failure.mismatch }
        // As Stripe's libraries do: only a timestamp too far in the past is refused.
        let age = Int64(now.timeIntervalSince1970.rounded(.down)) - timestamp
        guard tolerance <= 0 || Double(age) <= tolerance else { throw Failure.timestampOutsideTolerance(age: age) }
        return timestamp
    }
}
