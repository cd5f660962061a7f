import Crypto
import Foundation

/// Bearer session tokens: 32 random bytes, base64url. The database keeps only their SHA-256 hash, so a
/// leaked database does not sign anyone in.
public enum SessionToken {
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Base64URL.encode(Data(bytes))
    }

    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// Identifiers: a readable prefix and 12 random bytes in lower-case hex (`ord_3f9a…`).
public enum PlatformID {
    private static let hexDigits: [Unicode.Scalar] = Array("0123456789abcdef".unicodeScalars)

    public static func make(_ prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        var id = prefix + "_"
        id.reserveCapacity(prefix.count + 25)
        for _ in 0..<12 {
            let byte = UInt8.random(in: .min ... .max, using: &generator)
            id.unicodeScalars.append(hexDigits[Int(byte >> 4)])
            id.unicodeScalars.append(hexDigits[Int(byte & 0x0f)])
        }
        return id
    }
}

public enum Base64URL {
    public static func encode(_ data: Data) -> String {
        // Byte by byte: three `replacingOccurrences` (Foundation's string search) cost more than the encoding itself,
        // 3 % of an uncached listing page (its cursor).
        var bytes: [UInt8] = []
        let standard = data.base64EncodedString().utf8
        bytes.reserveCapacity(standard.count)
        for byte in standard {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: "-"))
            case UInt8(ascii: "/"): bytes.append(UInt8(ascii: "_"))
            case UInt8(ascii: "="): continue
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func decode(_ text: String) -> Data? {
        var base = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base.count % 4 != 0 { base += "=" }
        return Data(base64Encoded: base)
    }
}
