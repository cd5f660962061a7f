import Crypto
import Foundation

/// `<data-dir>/secrets.json`: the platform's own secrets (Stripe's secret key and webhook signing secrets)
/// sealed with AES-256-GCM, one value per name, so the data directory, its backups and a stolen disk hold
/// no secret in the clear. Each value is `v1.<key id>.<base64 of nonce, ciphertext and tag>`; the name is
/// bound to it as authenticated data, so a value moved to another name does not open. The file is 0600.
public struct SecretStore: Sendable {
    public static let fileName = "secrets.json"
    /// The names `serve` reads, in place of the environment variables of the same names.
    public static let knownNames = ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"]

    public let path: URL

    public init(dataDir: String) {
        path = URL(fileURLWithPath: dataDir).appendingPathComponent(Self.fileName)
    }

    public var exists: Bool { FileManager.default.fileExists(atPath: path.path) }

    /// Name → sealed value, as stored.
    func sealedValues() throws -> [String: String] {
        guard exists else { return [:] }
        do {
            return try JSONDecoder().decode([String: String].self, from: Data(contentsOf: path))
        } catch {
            throw SecretsError.io("\(path.path) is not a secrets file (\(error.localizedDescription)); move it aside and set the secrets again")
        }
    }

    /// The key id each secret is sealed with.
    public func keyIds() throws -> [String: String] {
        try sealedValues().mapValues { $0.split(separator: ".").dropFirst().first.map(String.init) ?? "?" }
    }

    public func set(_ name: String, _ value: String, key: SecretKey) throws {
        var values = try sealedValues()
        values[name] = try Self.seal(value, name: name, key: key)
        try write(values)
    }

    public func remove(_ name: String) throws {
        var values = try sealedValues()
        values[name] = nil
        try write(values)
    }

    /// Every secret, opened with `key`.
    public func open(key: SecretKey) throws -> [String: String] {
        try sealedValues().reduce(into: [:]) { result, entry in result[entry.key] = try Self.open(entry.value, name: entry.key, key: key) }
    }

    /// What `serve` starts with: nothing when there is no secrets file; the opened secrets when there is one
    /// and a key; an error saying to give the key when there is a file but no key.
    public func secretsForServe(key: SecretKey?) throws -> [String: String] {
        guard exists else { return [:] }
        guard let key else { throw SecretsError.keyNeeded(path.path) }
        return try open(key: key)
    }

    /// Opens every secret with `old` and seals it again with `new`; the file is replaced at once, so it is
    /// never half in one key and half in the other.
    public func rotate(from old: SecretKey, to new: SecretKey) throws -> Int {
        guard exists else { return 0 }
        let values = try open(key: old)
        try write(try values.reduce(into: [:]) { result, entry in result[entry.key] = try Self.seal(entry.value, name: entry.key, key: new) })
        return values.count
    }

    static func seal(_ value: String, name: String, key: SecretKey) throws -> String {
        let box = try AES.GCM.seal(Data(value.utf8), using: key.key, authenticating: Data(name.utf8))
        guard let combined = box.combined else { throw SecretsError.io("could not seal \(name)") }
        return "v1.\(key.id).\(combined.base64EncodedString())"
    }

    static func open(_ sealed: String, name: String, key: SecretKey) throws -> String {
        let parts = sealed.split(separator: ".", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[0] == "v1", let combined = Data(base64Encoded: parts[2]) else { throw SecretsError.corrupt(name) }
        guard parts[1] == key.id else { throw SecretsError.wrongKey(sealedWith: parts[1], given: key.id) }
        do {
            let box = try AES.GCM.SealedBox(combined: combined)
            let plain = try AES.GCM.open(box, using: key.key, authenticating: Data(name.utf8))
            guard let text = String(data: plain, encoding: .utf8) else { throw SecretsError.corrupt(name) }
            return text
        } catch {
            throw SecretsError.corrupt(name)
        }
    }

    private func write(_ values: [String: String]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(values)
        try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
        // Written beside and renamed over, 0600 before the first byte.
        let staging = path.deletingLastPathComponent().appendingPathComponent(".\(Self.fileName).\(UUID().uuidString)")
        let fd = Foundation.open(staging.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SecretsError.io("cannot write \(staging.path): \(String(cString: strerror(errno)))") }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            if rename(staging.path, path.path) != 0 { throw SecretsError.io("cannot replace \(path.path): \(String(cString: strerror(errno)))") }
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw error
        }
    }
}
