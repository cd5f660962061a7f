import Foundation
import XCTest
@testable import TechFlunkyPlatform

/// Secrets at rest: sealed with AES-256-GCM, never in the clear on disk, refused when tampered with or
/// opened with the wrong key, and rotated to a new key in one step.
final class SecretStoreTests: XCTestCase {
    func withDirectory(_ body: (URL) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-secrets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory)
    }

    func testSealedSecretsOpenOnlyWithTheirKeyAndNeverLieInTheClear() throws {
        try withDirectory { directory in
            let store = SecretStore(dataDir: directory.path)
            let key = SecretKey.generate()
            let stripeKey = "sk_live_51HxQ-sealed-at-rest-0123456789", webhook = "whsec_sealed_at_rest_abcdef"
            try store.set("STRIPE_SECRET_KEY", stripeKey, key: key)
            try store.set("STRIPE_WEBHOOK_SECRET", webhook, key: key)

            XCTAssertEqual(try store.open(key: key), ["STRIPE_SECRET_KEY": stripeKey, "STRIPE_WEBHOOK_SECRET": webhook])
            let bytes = try Data(contentsOf: store.path)
            for secret in [stripeKey, webhook] { XCTAssertNil(bytes.range(of: Data(secret.utf8)), "no secret in the clear on disk") }
            let mode = (try FileManager.default.attributesOfItem(atPath: store.path.path)[.posixPermissions] as? NSNumber)?.intValue
            XCTAssertEqual(mode, 0o600)
            XCTAssertEqual(try store.keyIds(), ["STRIPE_SECRET_KEY": key.id, "STRIPE_WEBHOOK_SECRET": key.id])

            // Another key is named as such.
            let other = SecretKey.generate()
            XCTAssertThrowsError(try store.open(key: other)) { error in
                XCTAssertEqual(error as? SecretsError, .wrongKey(sealedWith: key.id, given: other.id))
            }
            // A flipped byte, or a value moved to another name, does not open.
            var values = try JSONDecoder().decode([String: String].self, from: bytes)
            let sealed = try XCTUnwrap(values["STRIPE_SECRET_KEY"])
            var raw = Data(base64Encoded: String(sealed.split(separator: ".")[2]))!
            raw[raw.count / 2] ^= 0x01
            values["STRIPE_SECRET_KEY"] = "v1.\(key.id).\(raw.base64EncodedString())"
            values["STRIPE_WEBHOOK_SECRET"] = sealed
            try JSONEncoder().encode(values).write(to: store.path)
            XCTAssertThrowsError(try store.open(key: key)) { error in
                guard case .corrupt = error as? SecretsError else { return XCTFail("\(error)") }
            }
            XCTAssertThrowsError(try SecretStore.open(sealed, name: "STRIPE_WEBHOOK_SECRET", key: key), "bound to its name")
            XCTAssertEqual(try SecretStore.open(sealed, name: "STRIPE_SECRET_KEY", key: key), stripeKey)
        }
    }

    func testRotationResealsEverySecretAndTheOldKeyNoLongerOpensThem() throws {
        try withDirectory { directory in
            let store = SecretStore(dataDir: directory.path)
            let old = SecretKey.generate(), new = SecretKey.generate()
            try store.set("STRIPE_SECRET_KEY", "sk_test_rotate_me", key: old)
            try store.set("STRIPE_WEBHOOK_SECRET", "whsec_rotate_me", key: old)
            let before = try Data(contentsOf: store.path)
            XCTAssertThrowsError(try store.rotate(from: new, to: old), "rotating needs the current key") { error in
                XCTAssertEqual(error as? SecretsError, .wrongKey(sealedWith: old.id, given: new.id))
            }
            XCTAssertEqual(try Data(contentsOf: store.path), before, "a refused rotation changes nothing")
            XCTAssertEqual(try store.rotate(from: old, to: new), 2)
            XCTAssertEqual(try store.open(key: new), ["STRIPE_SECRET_KEY": "sk_test_rotate_me", "STRIPE_WEBHOOK_SECRET": "whsec_rotate_me"])
            XCTAssertThrowsError(try store.open(key: old))
            XCTAssertEqual(Set(try store.keyIds().values), [new.id])
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            XCTAssertEqual(leftovers, [SecretStore.fileName], "no staging file left behind")
        }
    }

    func testServeNeedsTheKeyOnlyWhenThereAreSealedSecrets() throws {
        try withDirectory { directory in
            let store = SecretStore(dataDir: directory.path)
            XCTAssertEqual(try store.secretsForServe(key: nil), [:], "no secrets file, no key needed")
            let key = SecretKey.generate()
            try store.set("STRIPE_SECRET_KEY", "sk_test_for_serve", key: key)
            XCTAssertThrowsError(try store.secretsForServe(key: nil)) { error in
                XCTAssertTrue("\(error)".contains("TECHFLUNKY_SECRETS_KEY"), "\(error)")
            }
            let keyFile = directory.appendingPathComponent("key").path
            try key.write(to: keyFile)
            let loaded = try XCTUnwrap(try SecretKey.resolve(file: keyFile, environment: [:]))
            XCTAssertEqual(loaded.id, key.id)
            XCTAssertEqual(try store.secretsForServe(key: loaded), ["STRIPE_SECRET_KEY": "sk_test_for_serve"])
            let fromEnvironment = try XCTUnwrap(try SecretKey.resolve(file: nil, environment: [SecretKey.environmentVariable: key.base64]))
            XCTAssertEqual(fromEnvironment.id, key.id)
            XCTAssertThrowsError(try key.write(to: keyFile), "a key file is never overwritten")
            XCTAssertThrowsError(try SecretKey(base64: Data(count: 16).base64EncodedString()), "16 bytes is not an AES-256 key")
        }
    }
}
