import Crypto
import Foundation
import _CryptoExtras

/// Password hashes: PBKDF2-HMAC-SHA256 (BoringSSL's, through swift-crypto) with a 16-byte random salt,
/// stored as `pbkdf2-sha256$<rounds>$<salt base64>$<hash base64>` so the round count can rise later
/// without invalidating old hashes.
public struct PasswordHasher: Sendable {
    /// OWASP's floor for PBKDF2-HMAC-SHA256.
    public static let minimumRounds = 210_000
    public let rounds: Int

    public init(rounds: Int = PasswordHasher.minimumRounds) {
        self.rounds = max(rounds, Self.minimumRounds)
    }

    public func hash(_ password: String) throws -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for i in salt.indices { salt[i] = generator.next() }
        let derived = try Self.derive(password, salt: salt, rounds: rounds)
        return "pbkdf2-sha256$\(rounds)$\(Data(salt).base64EncodedString())$\(derived.base64EncodedString())"
    }

    /// Constant-time comparison against a stored hash; false for a malformed one.
    public func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$")
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let storedRounds = Int(parts[1]),
              storedRounds >= Self.minimumRounds,
              let salt = Data(base64Encoded: String(parts[2])), let expected = Data(base64Encoded: String(parts[3])),
              let derived = try? Self.derive(password, salt: [UInt8](salt), rounds: storedRounds)
        else { return false }
        return ConstantTime.equal(derived, expected)
    }

    private static func derive(_ password: String, salt: [UInt8], rounds: Int) throws -> Data {
        let key = try KDF.Insecure.PBKDF2.deriveKey(from: Array(password.utf8), salt: salt, using: .sha256,
                                                    outputByteCount: 32, rounds: rounds)
        return key.withUnsafeBytes { Data($0) }
    }
}

/// Comparison whose running time does not depend on where two byte strings first differ.
public enum ConstantTime {
    public static func equal<A: DataProtocol, B: DataProtocol>(_ a: A, _ b: B) -> Bool {
        let x = Array(a), y = Array(b)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in x.indices { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}
