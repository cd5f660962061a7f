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

    /// Checks a backup without changing anything: manifest, checksums, integrity check, row counts.
    @discardableResult
    public static func verify(_ backup: URL) throws -> BackupManifest {
        let manifestURL = backup.appendingPathComponent(BackupManifest.fileName)
        let manifest: BackupManifest
        do {
            manifest = try decoder.decode(BackupManifest.self, from: Data(contentsOf: manifestURL))
        } catch {
            throw BackupError.manifestUnreadable(path: backup.path, detail: (error as? DecodingError).map { "\($0)" } ?? error.localizedDescription)
        }
        guard manifest.format == BackupManifest.currentFormat else { throw BackupError.unsupportedFormat(manifest.format) }
        guard manifest.database != nil else { throw BackupError.fileMissing(BackupManifest.databaseFileName) }
        for file in manifest.files {
            guard isSafeRelativePath(file.path) else { throw BackupError.manifestUnreadable(path: backup.path, detail: "it names `\(file.path)`") }
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
    @discardableResult
    public static func restore(from backup: URL, into dataDir: URL) throws -> BackupManifest {
        let manifest = try verify(backup)
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
