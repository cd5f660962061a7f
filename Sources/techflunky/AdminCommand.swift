import ArgumentParser
import Foundation
import TechFlunkyPlatform

/// `techflunky admin`: operator commands that work on a platform's data directory directly.
struct AdminCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Operate a platform's data: backups and restores, sealed secrets and their key, a copy into PostgreSQL.",
        discussion: "See docs/operations.md.",
        subcommands: [AdminBackupCommand.self, AdminRestoreCommand.self, AdminSecretsCommand.self, AdminGenerateKeyCommand.self,
                      AdminRotateKeyCommand.self, AdminCopyCommand.self]
    )
}

/// `techflunky admin backup`: a consistent copy while the server may be running, as one archive file.
struct AdminBackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up a platform's database and package bundles into one archive file.",
        discussion: """
            Safe while `techflunky serve` is running: the database is copied with SQLite's VACUUM INTO, as of one \
            commit. The archive (a tar, mode 0600) holds backup.json — every file's SHA-256 and the row count of \
            every table —, platform.sqlite, packages/ (sealed when the platform has a secrets key) and secrets.json \
            (sealed). It appears only when complete. Copy it off the machine.
            """
    )

    @Option(help: "The data directory `techflunky serve` uses.") var dataDir: String
    @Option(name: .customLong("db"), help: "The database file, when serve was given --db (default: <data-dir>/platform.sqlite).")
    var dbPath: String?
    @Option(help: "The archive to write, e.g. /backups/techflunky-20261205.tar; it must not exist.") var to: String
    @Option(help: "A platform on PostgreSQL (default: DATABASE_URL): refused, with what to do instead.") var database: String?

    func run() throws {
        try PostgresBackupRefusal.check(database: database, dbPath: dbPath, action: "admin backup")
        let database = dbPath ?? URL(fileURLWithPath: dataDir).appendingPathComponent("platform.sqlite").path
        let manifest: BackupManifest
        do {
            manifest = try PlatformBackup.createArchive(databasePath: database, dataDir: dataDir, to: URL(fileURLWithPath: to))
        } catch let error as BackupError {
            throw CommandFailure(error.description)
        }
        let rows = manifest.tableRows.values.reduce(0, +)
        let bytes = (try? FileManager.default.attributesOfItem(atPath: to)[.size] as? NSNumber)?.int64Value ?? 0
        let bundleFiles = manifest.files.filter { $0.path.hasPrefix(BackupManifest.packagesDirectoryName + "/") }.count
        print("Backed up \(database) (\(rows) rows in \(manifest.tableRows.count) tables) and \(bundleFiles) bundle files "
              + "to \(to) (\(ByteCountFormatter.string(fromByteCount: bytes, countStyle: .file))).")
    }
}

/// `techflunky admin restore`: verifies a backup, then restores it into an empty data directory.
struct AdminRestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Verify a backup and restore it into a new or empty data directory.",
        discussion: """
            Takes the archive `techflunky admin backup` writes, or a backup directory an older version wrote. \
            Verifies before writing anything: that the archive is whole, the manifest, every file's SHA-256, SQLite's integrity check and the \
            row count of every table. A damaged backup is refused and nothing is written. The data directory must \
            not exist or be empty (move the current one aside first); then start `techflunky serve --data-dir` on it.
            With --verify-only, checks the backup and writes nothing.
            """
    )

    @Option(help: "The backup archive `techflunky admin backup` (or serve --backup-dir) wrote, or an older backup directory.") var from: String
    @Option(help: "The data directory to restore into (new or empty).") var dataDir: String?
    @Flag(help: "Only check the backup.") var verifyOnly = false
    @Option(help: "A platform on PostgreSQL (default: DATABASE_URL): refused, with what to do instead.") var database: String?

    func validate() throws {
        if !verifyOnly, dataDir == nil { throw ValidationError("give --data-dir (a new or empty directory), or --verify-only") }
    }

    func run() throws {
        // Only when asked for explicitly: restoring a SQLite backup into a directory is fine whatever DATABASE_URL says.
        if !verifyOnly, let database { try PostgresBackupRefusal.check(database: database, dbPath: nil, action: "admin restore") }
        do {
            if verifyOnly || dataDir == nil {
                let manifest = try PlatformBackup.verify(URL(fileURLWithPath: from))
                print("\(from) is intact: \(manifest.files.count) files, \(manifest.tableRows.values.reduce(0, +)) rows, taken \(manifest.createdAt).")
                return
            }
            let target = dataDir ?? ""
            let manifest = try PlatformBackup.restore(from: URL(fileURLWithPath: from), into: URL(fileURLWithPath: target))
            print("Restored the backup of \(manifest.createdAt) into \(target). Start it with: techflunky serve --data-dir \(target)")
        } catch let error as BackupError {
            throw CommandFailure(error.description)
        }
    }
}

/// Backups and restores copy the SQLite file; a platform on PostgreSQL is backed up with PostgreSQL's own tools.
/// `--database`, or `DATABASE_URL` when no SQLite `--db` is named, says the platform is on PostgreSQL.
enum PostgresBackupRefusal {
    static func check(database: String?, dbPath: String?, action: String,
                      environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let named = database ?? (dbPath == nil ? environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 } : nil)
        guard named != nil else { return }
        throw CommandFailure("""
            techflunky \(action) copies the SQLite engine's file; this platform is on PostgreSQL\(database == nil ? " (DATABASE_URL is set)" : ""). \
            Back it up with pg_dump (e.g. pg_dump --format=custom --file=techflunky.dump "$DATABASE_URL") and restore with pg_restore, \
            and copy the data directory's packages/ and secrets.json with your file backups: docs/operations.md#postgresql. \
            To back up a SQLite platform while DATABASE_URL is set, name its file with --db.
            """)
    }
}
