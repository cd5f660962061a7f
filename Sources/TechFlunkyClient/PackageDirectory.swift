import Foundation
import TechFlunkyCore

/// A package directory on disk read as a bundle to upload: every regular file under it but `listing.json` and
/// dot files, as `/`-separated relative paths, within the platform's limits (checked here so an oversized
/// package fails before anything is sent). Symbolic links are not followed.
public enum PackageDirectory {
    public static func bundle(at directory: String) throws -> PackageBundle {
        let root = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ClientError.configuration("\(directory) is not a directory")
        }
        guard FileManager.default.fileExists(atPath: root.appendingPathComponent(PackageBundle.manifestPath).path) else {
            throw ClientError.configuration("\(directory) has no \(PackageBundle.manifestPath)")
        }
        let base = root.path.hasSuffix("/") ? root.path : root.path + "/"
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey, .isSymbolicLinkKey]) else {
            throw ClientError.configuration("cannot read the directory \(directory)")
        }
        var paths: [String] = []
        for case let url as URL in walker {
            let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .isSymbolicLinkKey])
            guard values?.isRegularFile == true, values?.isSymbolicLink != true else { continue }
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(base) else { continue }
            let relative = String(path.dropFirst(base.count))
            if relative == "listing.json" || relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            paths.append(relative)
        }
        paths.sort()
        guard paths.count <= PackageBundle.maxFiles else {
            throw ClientError.configuration("\(directory) has \(paths.count) files; a package may have at most \(PackageBundle.maxFiles)")
        }
        var files: [BundleFile] = []
        var total = 0
        for path in paths {
            guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path) else {
                throw ClientError.configuration("cannot read \(path) in \(directory)")
            }
            total += data.count
            guard total <= PackageBundle.maxTotalBytes else {
                throw ClientError.configuration("\(directory) is larger than \(PackageBundle.maxTotalBytes / 1_048_576) MiB, the most a package may be")
            }
            files.append(BundleFile(path: path, content: data))
        }
        return PackageBundle(files: files)
    }
}
