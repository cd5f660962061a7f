import Foundation
import XCTest
@testable import TechFlunkyPlatform

/// Package bundles sealed at rest: what a start does with a store it finds, key rotation, and backups that carry
/// the bundles sealed. (That a sealed bundle deploys with its real content: `DeploymentSandboxTests`.)
final class SealedBundleStoreTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-sealed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: directory) }

    func source() throws -> URL {
        let bundle = directory.appendingPathComponent("source")
        if !FileManager.default.fileExists(atPath: bundle.path) { try DeploymentTestBundle.write(to: bundle) }
        return bundle
    }

    /// Every stored file's plaintext through `DeploymentPackage` opened with `key`.
    func opened(_ store: PackageStore, key: SecretKey?) throws -> [String: Data] {
        let package = try DeploymentPackage.load(from: store.bundleDirectory(slug: "shop"), key: key)
        return try Dictionary(uniqueKeysWithValues: PackageStore.referencedPaths(package.manifest).map { ($0, try package.file($0)) })
    }

    func plaintexts() throws -> [String: Data] {
        let bundle = try source()
        return try Dictionary(uniqueKeysWithValues: ["migrations/0001_init.sql", "migrations/0002_plans.sql", "workers/api/index.js", "workers/api/lib/ok.js"]
            .map { ($0, try Data(contentsOf: bundle.appendingPathComponent($0))) })
    }

    func testStartSealsBundlesStoredInTheClearAndRefusesOnesItCannotOpen() throws {
        let dataDir = directory.appendingPathComponent("data").path
        try PackageStore(dataDir: dataDir).install(slug: "shop", from: try source())
        XCTAssertEqual(try PackageStore(dataDir: dataDir).census(), .init(plain: 4, sealed: [:]))
        XCTAssertEqual(try PackageStore(dataDir: dataDir).prepareForServing(), 0, "without a key nothing is sealed")

        let key = SecretKey.generate()
        let store = PackageStore(dataDir: dataDir, key: key)
        XCTAssertEqual(try store.prepareForServing(), 4)
        XCTAssertEqual(try store.census(), .init(plain: 0, sealed: [key.id: 4]))
        XCTAssertEqual(try store.prepareForServing(), 0, "a second start has nothing left to seal")
        XCTAssertEqual(try opened(store, key: key), try plaintexts())

        XCTAssertThrowsError(try PackageStore(dataDir: dataDir).prepareForServing()) { error in
            guard case let .keyNeeded(_, sealedWith) = error as? SealedBundleError else { return XCTFail("\(error)") }
            XCTAssertEqual(sealedWith, key.id)
        }
        let other = SecretKey.generate()
        XCTAssertThrowsError(try PackageStore(dataDir: dataDir, key: other).prepareForServing()) { error in
            guard case let .wrongKey(file, sealedWith, given) = error as? SealedBundleError else { return XCTFail("\(error)") }
            XCTAssertEqual([sealedWith, given], [key.id, other.id])
            XCTAssertTrue(file.hasPrefix("shop/"), file)
        }
    }

    func testRotationResealsEveryBundleFileAndIsRefusedWithoutTheCurrentKey() throws {
        let dataDir = directory.appendingPathComponent("data").path
        let old = SecretKey.generate(), new = SecretKey.generate()
        let store = PackageStore(dataDir: dataDir, key: old)
        try store.install(slug: "shop", from: try source())
        let before = try store.storedFiles().map { try Data(contentsOf: $0.url) }

        XCTAssertThrowsError(try store.rotate(from: new, to: SecretKey.generate()), "rotating needs the current key") { error in
            guard case .wrongKey = error as? SealedBundleError else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try store.storedFiles().map { try Data(contentsOf: $0.url) }, before, "a refused rotation writes nothing")

        XCTAssertEqual(try store.rotate(from: old, to: new), 4)
        XCTAssertEqual(try store.census(), .init(plain: 0, sealed: [new.id: 4]))
        XCTAssertEqual(try opened(store, key: new), try plaintexts())
        XCTAssertThrowsError(try DeploymentPackage.load(from: store.bundleDirectory(slug: "shop"), key: old))
        XCTAssertEqual(try store.rotate(from: old, to: new), 0, "run again, it finds nothing left to do")
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: store.root.path).filter { $0.contains(PackageStore.replacementPrefix) }
        XCTAssertEqual(leftovers, [])
    }

    func testBackupCarriesTheBundlesSealedAndTheRestoreKeepsThemSo() throws {
        let dataDir = directory.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: dataDir, withIntermediateDirectories: true)
        let databasePath = dataDir.appendingPathComponent("platform.sqlite").path
        try PlatformDatabase(path: databasePath).pool.close()
        let key = SecretKey.generate()
        try PackageStore(dataDir: dataDir.path, key: key).install(slug: "shop", from: try source())

        let backup = directory.appendingPathComponent("backup")
        try PlatformBackup.create(databasePath: databasePath, dataDir: dataDir.path, to: backup)
        let plain = try plaintexts()
        for (path, text) in plain {
            let copied = try Data(contentsOf: backup.appendingPathComponent("packages/shop/\(path)"))
            XCTAssertNil(copied.range(of: text), "\(path) is sealed in the backup")
            XCTAssertEqual(SealedBundleFile.keyId(of: copied), key.id)
        }
        let restored = directory.appendingPathComponent("restored")
        try PlatformBackup.restore(from: backup, into: restored)
        XCTAssertEqual(try opened(PackageStore(dataDir: restored.path, key: key), key: key), plain, "the restored bundle opens with the key")
    }
}
