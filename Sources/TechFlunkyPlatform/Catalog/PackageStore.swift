import Foundation

/// Package bundles on disk under `<dataDir>/packages/<slug>/`.
public struct PackageStore: Sendable {
    /// Largest bundle a seller may upload.
    public static let maxBundleBytes = 20 * 1_048_576
    public let root: URL

    public init(dataDir: String) {
        root = URL(fileURLWithPath: dataDir).appendingPathComponent("packages", isDirectory: true)
    }

    /// Where the unpacked bundle of `slug` lives.
    public func bundleDirectory(slug: String) -> URL {
        root.appendingPathComponent(slug, isDirectory: true)
    }
}
