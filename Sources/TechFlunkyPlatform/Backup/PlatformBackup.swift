import Crypto
import Foundation
import GRDB

/// Backups of a platform's data directory, and restores from them.
///
/// A backup is a directory (0700, files 0600): `platform.sqlite`, a consistent copy of the database made with
/// SQLite's `VACUUM INTO` (a read transaction: the server goes on serving and writing while it runs, and the
/// copy is the database as of one commit), then `packages/`, the package bundles, then `backup.json`, the
/// manifest with every file's SHA-256 and the copy's row count per table. The bundles are copied after the
/// database so every bundle the copied catalog refers to is already on disk (a bundle is installed before its
/// listing is committed). `secrets.json` (sealed; its key is never in the data directory) comes along when
/// there is one. The manifest is written last: a backup without one was interrupted.
///
/// A restore verifies everything before it writes anything: the manifest, every checksum, `PRAGMA
/// integrity_check` and the row counts. It restores only into a new or empty directory, through a staging
/// directory beside it that is renamed into place at the end, so a failure leaves nothing half-restored.
public enum PlatformBackup {
    /// Makes a backup of the database at `databasePath` and the bundles under `dataDir/packages` into
    /// `destination`, which must not exist or be empty.
    @discardableResult
    public static func create(databasePath: String, dataDir: String, to destination: URL, now: Date = Date()) throws -> BackupManifest {
        let fm = FileManager.default
        guard fm.fileExists(atPath: databasePath) else { throw BackupError.sourceMissing(databasePath) }
        try prepareEmptyDirectory(destination)
        let databaseCopy = destination.appendingPathComponent(BackupManifest.databaseFileName)
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(30)
            configuration.label = "techflunky.backup"
            let source = try DatabaseQueue(path: databasePath, configuration: configuration)
            try source.inDatabase { db in try db.execute(sql: "VACUUM INTO ?", arguments: [databaseCopy.path]) }
            try source.close()
            // A standalone file: no WAL beside it to lose, and it opens read-only anywhere.
            let copy = try DatabaseQueue(path: databaseCopy.path)
            try copy.inDatabase { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") }
            try copy.close()
        } catch let error as DatabaseError {
            throw BackupError.failed("could not copy the database \(databasePath): \(error.message ?? "\(error)")")
        }
        try restrict(databaseCopy)
        let tableRows = try inspect(databaseCopy)
        var files = [try describe(databaseCopy, as: BackupManifest.databaseFileName)]

        let packages = URL(fileURLWithPath: dataDir).appendingPathComponent(BackupManifest.packagesDirectoryName, isDirectory: true)
        for relative in try bundleFiles(under: packages) {
            let source = packages.appendingPathComponent(relative)
            let target = destination.appendingPathComponent(BackupManifest.packagesDirectoryName).appendingPathComponent(relative)
            try createPrivateDirectory(target.deletingLastPathComponent())
            try fm.copyItem(at: source, to: target)
            try restrict(target)
            files.append(try describe(target, as: "\(BackupManifest.packagesDirectoryName)/\(relative)"))
        }
        // The sealed secrets travel with the data (they are useless without their key, which never does).
        let secrets = SecretStore(dataDir: dataDir)
        if secrets.exists {
            let target = destination.appendingPathComponent(SecretStore.fileName)
            try fm.copyItem(at: secrets.path, to: target)
            try restrict(target)
            files.append(try describe(target, as: SecretStore.fileName))
        }
        let manifest = BackupManifest(format: BackupManifest.currentFormat, createdAt: now, files: files, tableRows: tableRows)
        let manifestURL = destination.appendingPathComponent(BackupManifest.fileName)
        try encoder.encode(manifest).write(to: manifestURL, options: .atomic)
        try restrict(manifestURL)
        return manifest
    }

    /// Makes a backup as one archive file at `file` (which must not exist): the backup directory's files in a
    /// tar (`BackupArchive`), the manifest first. Built in a directory beside `file` and renamed into place when
    /// whole, so `file` is either a complete backup or absent.
    @discardableResult
    public static func createArchive(databasePath: String, dataDir: String, to file: URL, now: Date = Date()) throws -> BackupManifest {
        let fm = FileManager.default
        guard !fm.fileExists(atPath: file.path) else { throw BackupError.destinationNotEmpty(file.path) }
        let parent = file.deletingLastPathComponent()
        try createPrivateDirectory(parent)
        let staging = parent.appendingPathComponent(".techflunky-backup-\(UUID().uuidString)", isDirectory: true)
        let partial = parent.appendingPathComponent(".\(file.lastPathComponent).partial-\(UUID().uuidString)")
        defer {
            try? fm.removeItem(at: staging)
            try? fm.removeItem(at: partial)
        }
        let manifest = try create(databasePath: databasePath, dataDir: dataDir, to: staging, now: now)
        try BackupArchive.write(from: staging, paths: [BackupManifest.fileName] + manifest.files.map(\.path), to: partial)
        // link(2) then unlink: unlike rename it never replaces a file that appeared meanwhile.
        // (A file system without hard links gets a rename.)
        if link(partial.path, file.path) != 0 {
            let failure = errno
            if failure == EEXIST { throw BackupError.destinationNotEmpty(file.path) }
            guard failure == EPERM || failure == ENOTSUP || failure == EOPNOTSUPP, rename(partial.path, file.path) == 0 else {
                throw BackupError.failed("cannot create \(file.path): \(String(cString: strerror(failure)))")
            }
        }
        return manifest
    }

    /// Whether `backup` is a backup archive (a file) rather than a backup directory (the older form).
    static func isArchive(_ backup: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: backup.path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    /// Unpacks an archive into a new directory inside `parent`, runs `body` on it and removes it again.
    static func withUnpacked<T>(_ archive: URL, in parent: URL, _ body: (URL) throws -> T) throws -> T {
        let unpacked = parent.appendingPathComponent(".techflunky-restore-unpacked-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: unpacked) }
        try BackupArchive.extract(archive, into: unpacked)
        return try body(unpacked)
    }

    /// Checks a backup (an archive, or a backup directory) without changing anything: manifest, checksums,
    /// integrity check, row counts. An archive is unpacked into a temporary directory to be checked.
    @discardableResult
    public static func verify(_ backup: URL) throws -> BackupManifest {
        if isArchive(backup) {
            return try withUnpacked(backup, in: FileManager.default.temporaryDirectory) { try verifyDirectory($0, reportedAs: backup) }
        }
        return try verifyDirectory(backup, reportedAs: backup)
    }

    static func verifyDirectory(_ backup: URL, reportedAs original: URL) throws -> BackupManifest {
        let manifestURL = backup.appendingPathComponent(BackupManifest.fileName)
        let manifest: BackupManifest
        do {
            manifest = try decoder.decode(BackupManifest.self, from: Data(contentsOf: manifestURL))
        } catch {
            throw BackupError.manifestUnreadable(path: original.path, detail: (error as? DecodingError).map { "\($0)" } ?? error.localizedDescription)
        }
        guard manifest.format == BackupManifest.currentFormat else { throw BackupError.unsupportedFormat(manifest.format) }
        guard manifest.database != nil else { throw BackupError.fileMissing(BackupManifest.databaseFileName) }
        for file in manifest.files {
            guard isSafeRelativePath(file.path) else { throw BackupError.manifestUnreadable(path: original.path, detail: "it names `\(file.path)`") }
            let url = backup.appendingPathComponent(file.path)
            guard FileManager.default.fileExists(atPath: url.path) else { throw BackupError.fileMissing(file.path) }
            guard try sha256(of: url) == file.sha256 else { throw BackupError.checksumMismatch(file.path) }
        }
        let found = try inspect(backup.appendingPathComponent(BackupManifest.databaseFileName))
        for (table, expected) in manifest.tableRows.sorted(by: { $0.key < $1.key }) where found[table] != expected {
            throw BackupError.rowCountMismatch(table: table, expected: expected, found: found[table] ?? 0)
        }
        for (table, count) in found where manifest.tableRows[table] == nil {
            throw BackupError.rowCountMismatch(table: table, expected: 0, found: count)
        }
        return manifest
    }

    /// Verifies `backup`, then restores it as the data directory `dataDir` (new or empty): the database as
    /// `dataDir/platform.sqlite`, the bundles under `dataDir/packages`.
    /// `backup` is an archive (unpacked beside `dataDir` first, and checked there) or a backup directory.
    @discardableResult
    public static func restore(from backup: URL, into dataDir: URL) throws -> BackupManifest {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        let exists = fm.fileExists(atPath: dataDir.path, isDirectory: &isDirectory)
        if exists {
            guard isDirectory.boolValue, try fm.contentsOfDirectory(atPath: dataDir.path).isEmpty else {
                throw BackupError.destinationNotEmpty(dataDir.path)
            }
        }
        let parent = dataDir.deletingLastPathComponent()
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        if isArchive(backup) {
            return try withUnpacked(backup, in: parent) { try restoreDirectory($0, reportedAs: backup, into: dataDir, exists: exists) }
        }
        return try restoreDirectory(backup, reportedAs: backup, into: dataDir, exists: exists)
    }

    static func restoreDirectory(_ backup: URL, reportedAs original: URL, into dataDir: URL, exists: Bool) throws -> BackupManifest {
        let manifest = try verifyDirectory(backup, reportedAs: original)
        let fm = FileManager.default
        let parent = dataDir.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(".techflunky-restore-\(UUID().uuidString)", isDirectory: true)
        do {
            try createPrivateDirectory(staging)
            for file in manifest.files {
                let target = staging.appendingPathComponent(file.path)
                try createPrivateDirectory(target.deletingLastPathComponent())
                try fm.copyItem(at: backup.appendingPathComponent(file.path), to: target)
                try restrict(target)
                // The bytes written are the bytes verified (a disk can fail between the two).
                guard try sha256(of: target) == file.sha256 else { throw BackupError.checksumMismatch(file.path) }
            }
            if exists { try fm.removeItem(at: dataDir) }
            try fm.moveItem(at: staging, to: dataDir)
        } catch {
            try? fm.removeItem(at: staging)
            throw error
        }
        return manifest
    }

    // MARK: Parts

    /// Runs `PRAGMA integrity_check` and counts the rows of every table (virtual tables are counted through
    /// their shadow tables).
    static func inspect(_ databaseFile: URL) throws -> [String: Int] {
        var configuration = Configuration()
        configuration.readonly = true
        do {
            let queue = try DatabaseQueue(path: databaseFile.path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.inDatabase { db in
                let problems = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                guard problems == ["ok"] else { throw BackupError.integrityCheckFailed(problems.prefix(3).joined(separator: "; ")) }
                let tables = try String.fetchAll(db, sql: """
                    SELECT name FROM sqlite_master
                    WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'
                    ORDER BY name
                    """)
                var rows: [String: Int] = [:]
                for table in tables {
                    rows[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table.quotedDatabaseIdentifier)") ?? 0
                }
                return rows
            }
        } catch let error as DatabaseError {
            // Corruption shows up as "file is not a database", "malformed" and the like, at open or first read.
            throw BackupError.notADatabase(error.message ?? "\(error)")
        }
    }

    /// Regular files of every installed bundle, relative to `packages`; half-installed ones (`.staging-…`,
    /// `.old-…`) are skipped.
    static func bundleFiles(under packages: URL) throws -> [String] {
        let fm = FileManager.default
        guard fm.fileExists(atPath: packages.path) else { return [] }
        var out: [String] = []
        for slug in try fm.contentsOfDirectory(atPath: packages.path).sorted() where !slug.hasPrefix(".") {
            let root = packages.appendingPathComponent(slug, isDirectory: true)
            guard let walker = fm.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey], options: []) else { continue }
            for case let url as URL in walker {
                guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
                let relative = url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1)
                out.append("\(slug)/\(relative)")
            }
        }
        return out.sorted()
    }

    static func describe(_ url: URL, as path: String) throws -> BackupManifest.File {
        let bytes = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.int64Value ?? 0
        return BackupManifest.File(path: path, bytes: bytes, sha256: try sha256(of: url))
    }

    static func sha256(of url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// No `..`, no absolute path: a manifest cannot make a restore write outside its directory.
    static func isSafeRelativePath(_ path: String) -> Bool {
        !path.isEmpty && !path.hasPrefix("/") && !path.split(separator: "/").contains { $0 == ".." || $0 == "." }
    }

    static func prepareEmptyDirectory(_ url: URL) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue, try fm.contentsOfDirectory(atPath: url.path).isEmpty else { throw BackupError.destinationNotEmpty(url.path) }
            try fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: url.path)
        } else {
            try createPrivateDirectory(url)
        }
    }

    static func createPrivateDirectory(_ url: URL) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    static func restrict(_ file: URL) throws {
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
