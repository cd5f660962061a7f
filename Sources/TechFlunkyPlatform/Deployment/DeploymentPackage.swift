import Foundation
import TechFlunkyCore

/// A package bundle on disk: its manifest and the files it names (worker modules, migrations).
///
/// Paths come from a seller's manifest, so they are untrusted: every read is confined to the
/// bundle directory (no absolute paths, no `..`, no symlink out).
public struct DeploymentPackage: Sendable {
    public static let manifestFileName = "techflunky.json"

    public let directory: URL
    public let manifest: PackageManifest
    /// Opens the files `PackageStore` sealed; nil reads them as they are (a sealed one is then refused).
    public let key: SecretKey?

    public enum LoadError: Error, Sendable, CustomStringConvertible {
        case missingManifest(String)
        case invalidManifest(String)
        case outsideBundle(String)
        case unreadable(String)
        case sealed(SealedBundleError)

        public var description: String {
            switch self {
            case let .missingManifest(p): "the package has no \(DeploymentPackage.manifestFileName) (looked in \(p))"
            case let .invalidManifest(d): "the package manifest is not valid: \(d)"
            case let .outsideBundle(p): "the package names a file outside its bundle: \(p)"
            case let .unreadable(p): "the package file \(p) is missing or unreadable"
            case let .sealed(error): error.description
            }
        }
    }

    public init(directory: URL, manifest: PackageManifest, key: SecretKey? = nil) {
        self.directory = directory.standardizedFileURL
        self.manifest = manifest
        self.key = key
    }

    /// Loads the manifest and checks that every file it names can be opened with `key` (a sealed file with no
    /// key or another one is refused here, before a deployment creates anything, not at the step that reads it).
    public static func load(from directory: URL, key: SecretKey? = nil) throws -> DeploymentPackage {
        let url = directory.appendingPathComponent(manifestFileName)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw LoadError.missingManifest(directory.path)
        }
        do {
            let package = DeploymentPackage(directory: directory, manifest: try JSONDecoder().decode(PackageManifest.self, from: data), key: key)
            try package.checkSealing()
            return package
        } catch let error as SealedBundleError {
            throw LoadError.sealed(error)
        } catch let error as LoadError {
            throw error
        } catch {
            throw LoadError.invalidManifest(String(describing: error))
        }
    }

    private func checkSealing() throws {
        for path in Set(PackageStore.referencedPaths(manifest)) {
            guard let url = try? resolve(path), let id = try? SealedBundleFile.keyId(ofFileAt: url) else { continue }
            guard let key else { throw SealedBundleError.keyNeeded(file: "\(directory.lastPathComponent)/\(path)", sealedWith: id) }
            if id != key.id { throw SealedBundleError.wrongKey(file: "\(directory.lastPathComponent)/\(path)", sealedWith: id, given: key.id) }
        }
    }

    /// The bytes of a file named by the manifest, opened when it is sealed.
    public func file(_ path: String) throws -> Data {
        let url = try resolve(path)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw LoadError.unreadable(path) }
        // Sealed under its path inside the bundle as stored (a symbolic link's target's), which `resolve` gives.
        let root = directory.resolvingSymlinksInPath().path
        do {
            return try SealedBundleFile.open(data, bundle: directory.lastPathComponent, path: String(url.path.dropFirst(root.count + 1)), key: key)
        } catch let error as SealedBundleError {
            throw LoadError.sealed(error)
        }
    }

    private func resolve(_ path: String) throws -> URL {
        if path.hasPrefix("/") || path.split(separator: "/").contains("..") || path.contains("\0") {
            throw LoadError.outsideBundle(path)
        }
        let root = directory.resolvingSymlinksInPath().path
        let resolved = directory.appendingPathComponent(path).standardizedFileURL.resolvingSymlinksInPath()
        guard resolved.path.hasPrefix(root + "/") else { throw LoadError.outsideBundle(path) }
        return resolved
    }
}
