import Crypto
import Foundation

/// Stripe's webhook signature: `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` where the MAC is
/// over `"{t}.{raw body}"` keyed with the whole `whsec_…` secret string (prefix included), as Stripe does.
public enum StripeSignature {
    public static func v1(secret: String, timestamp: Int64, payload: Data) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(payload)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    /// The header value for a delivery at `timestamp`.
    public static func header(secret: String, timestamp: Int64, payload: Data) -> String {
        "t=\(timestamp),v1=\(v1(secret: secret, timestamp: timestamp, payload: payload))"
    }
}
