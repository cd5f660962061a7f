import Foundation

/// `backup.json`, written last into a backup directory: what the backup holds and how to tell it is intact.
/// A restore trusts nothing in the directory that this does not vouch for.
public struct BackupManifest: Codable, Sendable, Equatable {
    public static let fileName = "backup.json"
    public static let databaseFileName = "platform.sqlite"
    public static let packagesDirectoryName = "packages"
    public static let currentFormat = 1

    public struct File: Codable, Sendable, Equatable {
        /// Relative to the backup directory, `/`-separated.
        public var path: String
        public var bytes: Int64
        public var sha256: String
    }

    public var format: Int
    public var createdAt: Date
    /// The database copy (`platform.sqlite`) and every package bundle file (`packages/<slug>/…`).
    public var files: [File]
    /// Rows per table of the database copy, counted in the copy when it was made.
    public var tableRows: [String: Int]

    public var database: File? { files.first { $0.path == Self.databaseFileName } }
}
