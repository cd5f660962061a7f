import Crypto
import Foundation

/// Identifiers in the shapes the real services use: Stripe's `prefix_` + base62, Cloudflare's 32 hex digits.
enum SandboxIDs {
    private static let base62 = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    static func stripe(_ prefix: String, length: Int = 24) -> String {
        var rng = SystemRandomNumberGenerator()
        return prefix + String((0..<length).map { _ in base62[Int(rng.next(upperBound: UInt64(base62.count)))] })
    }

    static func hex32() -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &rng)) }.joined()
    }

    static func uuid() -> String { UUID().uuidString.lowercased() }

    static func sha256Hex(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
