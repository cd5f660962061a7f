import Foundation

/// Why an archive was refused, in words a seller can act on. Every case names the entry when there is one.
public enum ArchiveError: Error, Sendable, Equatable, CustomStringConvertible {
    case notGzip
    case corrupt(String)
    case truncated
    /// The uncompressed archive (or the compressed body) would pass `limit` bytes.
    case tooLarge(limit: Int)
    case tooManyFiles(limit: Int)
    case fileTooLarge(path: String, limit: Int)
    case unsafePath(path: String, reason: String)
    case link(path: String, target: String)
    case specialFile(path: String, kind: String)
    case duplicate(path: String)
    case badHeader(entry: Int, reason: String)
    /// Writing the extracted files failed (disk full, permissions): nothing of the archive is kept.
    case write(path: String, reason: String)

    public var description: String {
        switch self {
        case .notGzip: "the upload is not a gzip-compressed tar archive (.tar.gz)"
        case let .corrupt(why): "the archive is damaged: \(why)"
        case .truncated: "the archive ends in the middle of a file; upload it again"
        case let .tooLarge(limit): "the archive unpacks to more than \(Self.size(limit)), the most a package may hold"
        case let .tooManyFiles(limit): "the archive holds more than \(limit) files, the most a package may have"
        case let .fileTooLarge(path, limit): "`\(path)` is larger than \(Self.size(limit)), the most one file may be"
        case let .unsafePath(path, reason): "`\(path)` \(reason); every entry must be a relative path inside the package"
        case let .link(path, target): "`\(path)` is a link (to `\(target)`); a package holds only files and directories"
        case let .specialFile(path, kind): "`\(path)` is a \(kind); a package holds only files and directories"
        case let .duplicate(path): "`\(path)` appears twice in the archive"
        case let .badHeader(entry, reason): "entry \(entry + 1) of the archive has a broken header: \(reason)"
        case let .write(path, reason): "could not write `\(path)`: \(reason)"
        }
    }

    static func size(_ bytes: Int) -> String {
        bytes >= 1_048_576 && bytes % 1_048_576 == 0 ? "\(bytes / 1_048_576) MiB" : "\(bytes) bytes"
    }
}
