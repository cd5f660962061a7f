import Crypto
import Foundation

/// A package bundle's file sealed at rest with the platform's secrets key (AES-256-GCM, the key of
/// `secrets.json`). Worker code, migrations and business assets are what a buyer pays for, so they are kept
/// sealed in `<data-dir>/packages/` and opened only when a deployment reads them. The manifest
/// (`techflunky.json`) stays in the clear: the listing's detail page publishes it anyway.
///
/// On disk: the ASCII header `techflunky-sealed v1 <key id>\n`, then the sealed box (nonce, ciphertext, tag).
/// `<slug>/<path inside the bundle>` is bound to it as authenticated data, so a file moved to another place or
/// bundle does not open. The key id in the header names the key a file needs when another one is given.
public enum SealedBundleFile {
    static let magic = "techflunky-sealed v1 "

    /// Whether `data` is a sealed file, and with which key id.
    public static func keyId(of data: Data) -> String? {
        let prefix = Data(magic.utf8)
        guard data.count > prefix.count + 9, data.prefix(prefix.count) == prefix else { return nil }
        let idBytes = data.dropFirst(prefix.count).prefix(8)
        guard data[data.startIndex + prefix.count + 8] == UInt8(ascii: "\n"),
              let id = String(data: idBytes, encoding: .ascii), id.allSatisfy(\.isHexDigit) else { return nil }
        return id
    }

    /// Reads only the header of the file at `url`: its key id when it is sealed, nil when it is in the clear.
    public static func keyId(ofFileAt url: URL) throws -> String? {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        let head = try handle.read(upToCount: magic.utf8.count + 10) ?? Data()
        return keyId(of: head)
    }

    static func authenticatedData(bundle: String, path: String) -> Data {
        Data("techflunky-bundle:\(bundle)/\(path)".utf8)
    }

    public static func seal(_ plain: Data, bundle: String, path: String, key: SecretKey) throws -> Data {
        let box = try AES.GCM.seal(plain, using: key.key, authenticating: authenticatedData(bundle: bundle, path: path))
        guard let combined = box.combined else { throw SealedBundleError.corrupt(file: "\(bundle)/\(path)") }
        return Data((magic + key.id + "\n").utf8) + combined
    }

    /// The plaintext of `data`: opened with `key` when it is sealed, as it is when it is not (bundles stored
    /// before the platform had a key, or on a platform that has none).
    public static func open(_ data: Data, bundle: String, path: String, key: SecretKey?) throws -> Data {
        guard let sealedWith = keyId(of: data) else { return data }
        let file = "\(bundle)/\(path)"
        guard let key else { throw SealedBundleError.keyNeeded(file: file, sealedWith: sealedWith) }
        guard key.id == sealedWith else { throw SealedBundleError.wrongKey(file: file, sealedWith: sealedWith, given: key.id) }
        do {
            let box = try AES.GCM.SealedBox(combined: data.dropFirst(magic.utf8.count + 9))
            return try AES.GCM.open(box, using: key.key, authenticating: authenticatedData(bundle: bundle, path: path))
        } catch {
            throw SealedBundleError.corrupt(file: file)
        }
    }
}

public enum SealedBundleError: Error, CustomStringConvertible, Equatable {
    case keyNeeded(file: String, sealedWith: String)
    case wrongKey(file: String, sealedWith: String, given: String)
    case corrupt(file: String)

    public var description: String {
        switch self {
        case let .keyNeeded(file, sealedWith):
            "the package file \(file) is sealed with key \(sealedWith) and the platform has no key: give it with --secrets-key-file or TECHFLUNKY_SECRETS_KEY"
        case let .wrongKey(file, sealedWith, given):
            "the package file \(file) is sealed with key \(sealedWith), but the platform's key is \(given): start it with the key that sealed the bundles (or finish `techflunky admin rotate-key`)"
        case let .corrupt(file):
            "the sealed package file \(file) does not open: it was changed or damaged; restore the bundle from a backup or have the seller publish it again"
        }
    }
}
