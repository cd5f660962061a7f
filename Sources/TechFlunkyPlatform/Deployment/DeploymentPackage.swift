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

    public enum LoadError: Error, Sendable, CustomStringConvertible {
        case missingManifest(String)
        case invalidManifest(String)
        case outsideBundle(String)
        case unreadable(String)

        public var description: String {
            switch self {
            case let .missingManifest(p): "the package has no \(DeploymentPackage.manifestFileName) (looked in \(p))"
            case let .invalidManifest(d): "the package manifest is not valid: \(d)"
            case let .outsideBundle(p): "the package names a file outside its bundle: \(p)"
            case let .unreadable(p): "the package file \(p) is missing or unreadable"
            }
        }
    }

    public init(directory: URL, manifest: PackageManifest) {
        self.directory = directory.standardizedFileURL
        self.manifest = manifest
    }

    public static func load(from directory: URL) throws -> DeploymentPackage {
        let url = directory.appendingPathComponent(manifestFileName)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw LoadError.missingManifest(directory.path)
        }
        do {
            return DeploymentPackage(directory: directory, manifest: try JSONDecoder().decode(PackageManifest.self, from: data))
        } catch {
            throw LoadError.invalidManifest(String(describing: error))
        }
    }

    /// The bytes of a file named by the manifest.
    public func file(_ path: String) throws -> Data {
        let url = try resolve(path)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw LoadError.unreadable(path) }
        return data
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
