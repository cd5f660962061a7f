import Crypto
import Foundation

/// The key that seals the platform's secrets at rest (AES-256-GCM). It lives outside the data directory: in
/// a file (`--secrets-key-file`, mode 0600) or the environment (`TECHFLUNKY_SECRETS_KEY`), as 32 bytes in
/// base64. Its id, the first 8 hex digits of its SHA-256, is stored beside each sealed value so a wrong key
/// is named as such rather than failing as "corrupt".
public struct SecretKey: Sendable {
    public static let environmentVariable = "TECHFLUNKY_SECRETS_KEY"
    private let bytes: Data
    public let id: String
    var key: SymmetricKey { SymmetricKey(data: bytes) }

    public init(bytes: Data) throws {
        guard bytes.count == 32 else {
            throw SecretsError.badKey("a secrets key is 32 bytes (base64 of 32 random bytes, as `techflunky admin generate-key` writes); this one has \(bytes.count)")
        }
        self.bytes = bytes
        id = SHA256.hash(data: bytes).prefix(4).map { String(format: "%02x", $0) }.joined()
    }

    /// A new random key.
    public static func generate() -> SecretKey {
        // Force-try is safe: a fresh 256-bit key always has 32 bytes.
        try! SecretKey(bytes: SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }

    public init(base64: String) throws {
        guard let bytes = Data(base64Encoded: base64.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw SecretsError.badKey("the secrets key is not base64; generate one with `techflunky admin generate-key --out FILE`")
        }
        try self.init(bytes: bytes)
    }

    public static func load(file: String) throws -> SecretKey {
        let text: String
        do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
            throw SecretsError.badKey("cannot read the secrets key file \(file) (\(error.localizedDescription))")
        }
        return try SecretKey(base64: text)
    }

    /// `file` when given, else `TECHFLUNKY_SECRETS_KEY`, else nil.
    public static func resolve(file: String?, environment: [String: String]) throws -> SecretKey? {
        if let file { return try load(file: file) }
        if let value = environment[environmentVariable], !value.isEmpty { return try SecretKey(base64: value) }
        return nil
    }

    public var base64: String { bytes.base64EncodedString() }

    /// Writes the key to a new file, mode 0600 from the start.
    public func write(to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SecretsError.io("cannot create \(path): \(String(cString: strerror(errno))) (it must not exist yet)") }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        try handle.write(contentsOf: Data((base64 + "\n").utf8))
        try handle.close()
    }
}

public enum SecretsError: Error, CustomStringConvertible, Equatable {
    case badKey(String)
    case wrongKey(sealedWith: String, given: String)
    case corrupt(String)
    case keyNeeded(String)
    case io(String)

    public var description: String {
        switch self {
        case let .badKey(detail): detail
        case let .wrongKey(sealed, given):
            "the secrets were sealed with key \(sealed), but the key given is \(given); give the right key (--secrets-key-file or TECHFLUNKY_SECRETS_KEY)"
        case let .corrupt(name): "the sealed secret \(name) does not open: it was changed or damaged; set it again with `techflunky admin secrets set \(name)`"
        case let .keyNeeded(path): "\(path) holds sealed secrets: give their key with --secrets-key-file FILE or TECHFLUNKY_SECRETS_KEY"
        case let .io(detail): detail
        }
    }
}
