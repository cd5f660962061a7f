import Foundation

/// Why a backup could not be made or restored, with what to do about it.
public enum BackupError: Error, CustomStringConvertible, Equatable {
    case destinationNotEmpty(String)
    case sourceMissing(String)
    case manifestUnreadable(path: String, detail: String)
    case unsupportedFormat(Int)
    case fileMissing(String)
    case checksumMismatch(String)
    case integrityCheckFailed(String)
    case rowCountMismatch(table: String, expected: Int, found: Int)
    case notADatabase(String)
    case archiveDamaged(path: String, detail: String)
    case failed(String)

    public var description: String {
        let refused = "The backup is damaged and was not restored; nothing was changed. Restore an older backup."
        switch self {
        case let .destinationNotEmpty(path):
            return "\(path) is not empty: restore into a new or empty directory (move the current data aside first), or back up to a new file or directory."
        case let .sourceMissing(path):
            return "no platform database at \(path): give the data directory `techflunky serve` uses (--data-dir) or the database file (--db)."
        case let .manifestUnreadable(path, detail):
            return "\(path) is not a TechFlunky backup (its \(BackupManifest.fileName) cannot be read: \(detail)); give the directory `techflunky admin backup` wrote."
        case let .unsupportedFormat(format):
            return "the backup has format \(format), which this version of techflunky does not know; restore it with the version that made it or a newer one."
        case let .fileMissing(path):
            return "the backup lacks \(path), which its manifest lists. \(refused)"
        case let .checksumMismatch(path):
            return "\(path) in the backup does not match its checksum (the file was changed or corrupted after the backup). \(refused)"
        case let .integrityCheckFailed(detail):
            return "the backup's database fails SQLite's integrity check (\(detail)). \(refused)"
        case let .rowCountMismatch(table, expected, found):
            return "the backup's table \(table) has \(found) rows where the manifest recorded \(expected). \(refused)"
        case let .notADatabase(detail):
            return "the backup's database cannot be opened (\(detail)). \(refused)"
        case let .archiveDamaged(path, detail):
            return "\(path) is not an intact backup archive: \(detail). \(refused)"
        case let .failed(detail):
            return detail
        }
    }
}
