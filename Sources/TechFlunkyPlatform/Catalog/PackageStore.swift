import Foundation
import TechFlunkyCore

public enum PackageStoreError: Error, CustomStringConvertible {
    case missingFiles(slug: String, paths: [String])

    public var description: String {
        switch self {
        case let .missingFiles(slug, paths): "package `\(slug)` names files its bundle lacks: \(paths.joined(separator: ", "))"
        }
    }
}

/// Package bundles on disk: `<dataDir>/packages/<slug>/` holds `techflunky.json` and the files it names,
/// exactly as the seller's bundle had them. The deployment orchestrator reads them from here.
public struct PackageStore: Sendable {
    /// Largest bundle archive a seller may upload.
    public static let maxBundleBytes = 20 * 1_048_576
    public let root: URL

    public init(dataDir: String) {
        root = URL(fileURLWithPath: dataDir).appendingPathComponent("packages", isDirectory: true)
    }

    /// Where the unpacked bundle of `slug` lives.
    public func bundleDirectory(slug: String) -> URL {
        root.appendingPathComponent(slug, isDirectory: true)
    }

    /// Reads the manifest of a stored bundle.
    public func manifest(slug: String) throws -> PackageManifest {
        let data = try Data(contentsOf: bundleDirectory(slug: slug).appendingPathComponent("techflunky.json"))
        return try JSONDecoder().decode(PackageManifest.self, from: data)
    }

    /// Replaces the stored bundle of `slug` with the directory at `source` (written beside, then swapped in,
    /// so a reader never sees half a bundle).
    public func install(slug: String, from source: URL) throws {
        let fm = FileManager.default
        try PrivateFiles.directory(root)
        let staging = root.appendingPathComponent(".staging-\(slug)-\(UUID().uuidString)", isDirectory: true)
        try fm.copyItem(at: source, to: staging)
        let target = bundleDirectory(slug: slug)
        if fm.fileExists(atPath: target.path) {
            let old = root.appendingPathComponent(".old-\(slug)-\(UUID().uuidString)", isDirectory: true)
            try fm.moveItem(at: target, to: old)
            try fm.moveItem(at: staging, to: target)
            try? fm.removeItem(at: old)
        } else {
            try fm.moveItem(at: staging, to: target)
        }
    }

    /// Every path inside the bundle a manifest names (worker modules, migrations, business assets).
    public static func referencedPaths(_ manifest: PackageManifest) -> [String] {
        var paths: [String] = []
        for worker in manifest.cloudflare.workers { paths.append(worker.main); paths += worker.modules ?? [] }
        for database in manifest.cloudflare.d1Databases { paths += database.migrations }
        paths += manifest.businessAssets.keys.sorted().compactMap { manifest.businessAssets[$0] }
        return paths
    }

    /// The business assets of a bundle directory with their sizes; throws when a named file is missing.
    public static func assets(of manifest: PackageManifest, in directory: URL) throws -> [BusinessAsset] {
        let missing = referencedPaths(manifest).filter { !FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path) }
        guard missing.isEmpty else { throw PackageStoreError.missingFiles(slug: manifest.slug, paths: missing) }
        return try manifest.businessAssets.keys.sorted().map { kind in
            let path = manifest.businessAssets[kind]!
            let size = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(path).path)[.size] as? Int ?? 0
            return BusinessAsset(kind: kind, path: path, bytes: size)
        }
    }
}
