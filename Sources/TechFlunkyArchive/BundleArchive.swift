import Foundation

/// The limits a package archive is held to.
public struct ArchiveLimits: Sendable, Equatable {
    public var maxFiles: Int
    /// Sum of the files' sizes, uncompressed.
    public var maxTotalBytes: Int
    public var maxFileBytes: Int
    public var maxPathBytes: Int

    public init(maxFiles: Int, maxTotalBytes: Int, maxFileBytes: Int, maxPathBytes: Int = 255) {
        self.maxFiles = maxFiles
        self.maxTotalBytes = maxTotalBytes
        self.maxFileBytes = maxFileBytes
        self.maxPathBytes = maxPathBytes
    }

    /// The tar stream may be this long once inflated: the files plus a header, a pax header and padding for each
    /// (and directories). Inflating stops at it, so a decompression bomb costs at most this much memory.
    public var maxTarBytes: Int { maxTotalBytes + maxEntries * 1_536 + 1_024 }
    /// Entries of any kind (files, directories, pax headers) read before giving up.
    public var maxEntries: Int { maxFiles * 4 + 8 }
}

/// A checked file of a package archive: a safe relative path and its bytes.
public struct ArchiveFile: Sendable, Equatable {
    public var path: String
    public var contents: [UInt8]

    public init(path: String, contents: [UInt8]) {
        self.path = path
        self.contents = contents
    }
}

/// A package bundle as a `.tar.gz`: made by `techflunky package publish`, read by the platform.
///
/// Reading checks every entry before anything is written: relative paths only (no `/` at the start, no `..`, no
/// empty or `.` segment, no `\` or control character, at most 255 bytes), regular files and directories only (no
/// links of either kind, no devices or FIFOs), no path twice (case-insensitively) or both a file and a directory,
/// and the limits on file count, each file's size and the total, which also stop inflating early.
public enum BundleArchive {
    public static let contentType = "application/gzip"

    /// The `.tar.gz` of `files`, in the order given.
    public static func make(_ files: [ArchiveFile]) throws(ArchiveError) -> [UInt8] {
        try Gzip.compress(Tar.archive(files.map { ($0.path, $0.contents) }))
    }

    /// Every file of a `.tar.gz`, checked; throws the first refusal.
    public static func files(inGzip bytes: [UInt8], limits: ArchiveLimits) throws(ArchiveError) -> [ArchiveFile] {
        try files(inTar: Gzip.decompress(bytes, limit: limits.maxTarBytes), limits: limits)
    }

    /// Every file of an uncompressed tar stream, checked.
    public static func files(inTar tar: [UInt8], limits: ArchiveLimits) throws(ArchiveError) -> [ArchiveFile] {
        var files: [ArchiveFile] = []
        var directories = Set<String>()
        var seen = Set<String>()
        var total = 0
        try Tar.entries(of: tar, maxEntries: limits.maxEntries) { (entry: TarEntry) throws(ArchiveError) in
            var path = entry.path
            while path.hasPrefix("./") { path.removeFirst(2) }
            if entry.kind == .directory {
                while path.hasSuffix("/") { path.removeLast() }
                if path.isEmpty || path == "." { return }
            }
            if let reason = unsafeReason(path, limit: limits.maxPathBytes) {
                throw .unsafePath(path: visible(entry.path), reason: reason)
            }
            switch entry.kind {
            case let .symbolicLink(target), let .hardLink(target):
                throw .link(path: visible(path), target: visible(target))
            case let .special(kind):
                throw .specialFile(path: visible(path), kind: kind)
            case .directory:
                directories.insert(path.lowercased())
            case .file:
                guard seen.insert(path.lowercased()).inserted else { throw .duplicate(path: visible(path)) }
                guard files.count < limits.maxFiles else { throw .tooManyFiles(limit: limits.maxFiles) }
                guard entry.contents.count <= limits.maxFileBytes else { throw .fileTooLarge(path: visible(path), limit: limits.maxFileBytes) }
                total += entry.contents.count
                guard total <= limits.maxTotalBytes else { throw .tooLarge(limit: limits.maxTotalBytes) }
                files.append(ArchiveFile(path: path, contents: entry.contents))
            }
        }
        // A path cannot be a file and also a directory (`a` and `a/b`): one of them would overwrite the other.
        for file in files {
            let parts = file.path.lowercased().split(separator: "/")
            for end in parts.indices.dropLast() {
                let ancestor = parts[...end].joined(separator: "/")
                if seen.contains(ancestor) { throw .duplicate(path: visible(ancestor)) }
            }
            if directories.contains(file.path.lowercased()) { throw .duplicate(path: visible(file.path)) }
        }
        return files
    }

    /// Why `path` cannot be a path inside a package, or nil when it can.
    public static func unsafeReason(_ path: String, limit: Int = 255) -> String? {
        if path.isEmpty { return "is an empty name" }
        if path.hasPrefix("/") || path.hasPrefix("~") || (path.count > 1 && Array(path)[1] == ":") { return "is an absolute path" }
        if path.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) { return "contains control characters" }
        if path.contains("\\") { return "uses `\\`; separate directories with `/`" }
        if path.utf8.count > limit { return "is longer than \(limit) bytes" }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if parts.contains("..") { return "leaves the package through `..`" }
        if parts.contains(where: { $0.isEmpty || $0 == "." }) { return "has an empty or `.` segment" }
        return nil
    }

    /// Writes checked files into `directory`, which must not exist yet: it is made (0700) with every directory
    /// under it, each file 0600, opened with `O_EXCL | O_NOFOLLOW` so nothing already there is followed or
    /// replaced. On any failure the directory is removed again.
    public static func write(_ files: [ArchiveFile], into directory: URL) throws(ArchiveError) {
        let root = directory.standardizedFileURL.path
        guard mkdir(root, 0o700) == 0 else { throw .write(path: root, reason: String(cString: strerror(errno))) }
        do {
            for file in files {
                if let reason = unsafeReason(file.path) { throw ArchiveError.unsafePath(path: visible(file.path), reason: reason) }
                let parts = file.path.split(separator: "/").map(String.init)
                var current = root
                for part in parts.dropLast() {
                    current += "/" + part
                    var info = stat()
                    if lstat(current, &info) == 0 {
                        guard info.st_mode & S_IFMT == S_IFDIR else { throw ArchiveError.duplicate(path: visible(file.path)) }
                    } else if mkdir(current, 0o700) != 0 {
                        throw ArchiveError.write(path: visible(file.path), reason: String(cString: strerror(errno)))
                    }
                }
                let target = current + "/" + parts.last!
                let fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
                guard fd >= 0 else { throw ArchiveError.write(path: visible(file.path), reason: String(cString: strerror(errno))) }
                defer { close(fd) }
                var written = 0
                while written < file.contents.count {
                    let n = file.contents[written...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
                    guard n > 0 else { throw ArchiveError.write(path: visible(file.path), reason: String(cString: strerror(errno))) }
                    written += n
                }
            }
        } catch {
            try? FileManager.default.removeItem(atPath: root)
            throw error as? ArchiveError ?? .write(path: root, reason: "\(error)")
        }
    }

    /// Checks a `.tar.gz` whole, then writes its files into `directory` (which must not exist yet).
    @discardableResult
    public static func extract(gzip bytes: [UInt8], into directory: URL, limits: ArchiveLimits) throws(ArchiveError) -> [ArchiveFile] {
        let files = try files(inGzip: bytes, limits: limits)
        try write(files, into: directory)
        return files
    }

    /// A path as it can be shown: control characters as `\u{…}`, at most 200 characters.
    static func visible(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars.prefix(200) {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) { out += "\\u{\(String(scalar.value, radix: 16))}" } else { out.unicodeScalars.append(scalar) }
        }
        return s.unicodeScalars.count > 200 ? out + "…" : out
    }
}
