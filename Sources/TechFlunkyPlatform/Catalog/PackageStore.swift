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

/// Package bundles on disk: `<dataDir>/packages/<slug>/` holds `techflunky.json` and the files it names.
/// With a secrets key every file but the manifest is sealed (`SealedBundleFile`) as it is installed; without
/// one they are kept as the seller's bundle had them. The deployment orchestrator reads them from here
/// (`DeploymentPackage`, which opens sealed files with the same key).
public struct PackageStore: Sendable {
    /// Largest bundle archive a seller may upload.
    public static let maxBundleBytes = 20 * 1_048_576
    public let root: URL
    /// The key bundles are sealed with; nil stores them in the clear (a platform started without a key).
    public let key: SecretKey?

    public init(dataDir: String, key: SecretKey? = nil) {
        root = URL(fileURLWithPath: dataDir).appendingPathComponent("packages", isDirectory: true)
        self.key = key
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
        if let key {
            do {
                for file in try Self.files(in: staging) {
                    let plain = try Data(contentsOf: file.url)
                    guard SealedBundleFile.keyId(of: plain) == nil else { continue }
                    try Self.replace(file.url, with: SealedBundleFile.seal(plain, bundle: slug, path: file.path, key: key))
                }
            } catch {
                try? fm.removeItem(at: staging)
                throw error
            }
        }
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

    /// A stored bundle file: its bundle's slug, its path inside the bundle, where it is.
    public struct StoredFile: Sendable {
        public var slug: String
        public var path: String
        public var url: URL
    }

    /// The regular files of a bundle directory but its manifest (symbolic links are not followed or sealed).
    static func files(in bundle: URL, slug: String? = nil) throws -> [StoredFile] {
        let base = bundle.standardizedFileURL.path
        let slug = slug ?? bundle.lastPathComponent
        guard let walker = FileManager.default.enumerator(at: bundle, includingPropertiesForKeys: [.isRegularFileKey, .isSymbolicLinkKey]) else { return [] }
        var found: [StoredFile] = []
        for case let url as URL in walker {
            let values = try url.resourceValues(forKeys: [.isRegularFileKey, .isSymbolicLinkKey])
            guard values.isRegularFile == true, values.isSymbolicLink != true,
                  !url.lastPathComponent.hasPrefix(replacementPrefix) else { continue }
            let full = url.standardizedFileURL.path
            guard full.hasPrefix(base + "/") else { continue }
            let path = String(full.dropFirst(base.count + 1))
            if path == DeploymentPackage.manifestFileName { continue }
            found.append(StoredFile(slug: slug, path: path, url: url))
        }
        return found.sorted { $0.path < $1.path }
    }

    /// Every stored file of every installed bundle but the manifests (staging and swapped-out copies skipped).
    public func storedFiles() throws -> [StoredFile] {
        let fm = FileManager.default
        guard fm.fileExists(atPath: root.path) else { return [] }
        return try fm.contentsOfDirectory(atPath: root.path).sorted().filter { !$0.hasPrefix(".") }.flatMap { slug in
            try Self.files(in: bundleDirectory(slug: slug), slug: slug)
        }
    }

    /// How the stored files are kept: how many in the clear, how many sealed with each key id.
    public struct SealingCensus: Sendable, Equatable {
        public var plain = 0
        public var sealed: [String: Int] = [:]
    }

    public func census() throws -> SealingCensus {
        try storedFiles().reduce(into: SealingCensus()) { census, file in
            if let id = try SealedBundleFile.keyId(ofFileAt: file.url) { census.sealed[id, default: 0] += 1 } else { census.plain += 1 }
        }
    }

    /// At start: refuses a store whose sealed files this platform cannot open (no key, or another key), naming
    /// a file and both keys, and seals what is still in the clear when there is a key. Returns how many it sealed.
    public func prepareForServing() throws -> Int {
        var sealedNow = 0
        for file in try storedFiles() {
            let id = try SealedBundleFile.keyId(ofFileAt: file.url)
            switch (id, key) {
            case let (id?, nil): throw SealedBundleError.keyNeeded(file: "\(file.slug)/\(file.path)", sealedWith: id)
            case let (id?, key?) where id != key.id:
                throw SealedBundleError.wrongKey(file: "\(file.slug)/\(file.path)", sealedWith: id, given: key.id)
            case (nil, let key?):
                try Self.replace(file.url, with: SealedBundleFile.seal(Data(contentsOf: file.url), bundle: file.slug, path: file.path, key: key))
                sealedNow += 1
            default: continue
            }
        }
        return sealedNow
    }

    /// Seals every stored file again with `new` (opening it with `old`; one still in the clear is sealed). Every
    /// file is checked before the first is written, and each is replaced by a rename, so an interrupted rotation
    /// leaves each file whole in one key or the other; running it again finishes it (files already in `new` are
    /// left alone). Returns how many files it wrote.
    public func rotate(from old: SecretKey, to new: SecretKey) throws -> Int {
        let files = try storedFiles()
        var pending: [(StoredFile, String?)] = []
        for file in files {
            let id = try SealedBundleFile.keyId(ofFileAt: file.url)
            if id == new.id { continue }
            if let id, id != old.id { throw SealedBundleError.wrongKey(file: "\(file.slug)/\(file.path)", sealedWith: id, given: old.id) }
            pending.append((file, id))
        }
        for (file, _) in pending {
            let plain = try SealedBundleFile.open(Data(contentsOf: file.url), bundle: file.slug, path: file.path, key: old)
            try Self.replace(file.url, with: SealedBundleFile.seal(plain, bundle: file.slug, path: file.path, key: new))
        }
        return pending.count
    }

    /// Names of files being written in place of others (an interrupted write leaves one; it is never a bundle file).
    static let replacementPrefix = ".tf-sealing-"

    /// Writes `data` beside `url` (0600 from the start) and renames it over `url`.
    static func replace(_ url: URL, with data: Data) throws {
        let staging = url.deletingLastPathComponent().appendingPathComponent(Self.replacementPrefix + UUID().uuidString)
        let fd = open(staging.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: staging.path]) }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            guard rename(staging.path, url.path) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path]) }
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw error
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
