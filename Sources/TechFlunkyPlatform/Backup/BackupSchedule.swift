import Foundation
import Logging

/// `serve --backup-dir DIR --backup-every 24h --backup-keep 14`: a backup archive `DIR/techflunky-<UTC time>.tar`
/// at start and then every interval, keeping the newest `keep` (backup directories an older version left there
/// count too). Names sort by time, so pruning is by name.
public struct BackupSchedule: Sendable {
    public static let prefix = "techflunky-"
    public var directory: URL
    public var interval: TimeInterval
    public var keep: Int

    public init(directory: URL, interval: TimeInterval = 86_400, keep: Int = 14) {
        self.directory = directory
        self.interval = interval
        self.keep = max(1, keep)
    }

    /// Takes one backup now and prunes old ones; answers where it went.
    @discardableResult
    public func runOnce(databasePath: String, dataDir: String, now: Date = Date()) throws -> URL {
        try PlatformBackup.createPrivateDirectory(directory)
        let target = directory.appendingPathComponent(Self.name(for: now) + ".tar")
        // Nothing is left behind by a failure: the archive appears only when whole.
        try PlatformBackup.createArchive(databasePath: databasePath, dataDir: dataDir, to: target, now: now)
        try prune()
        return target
    }

    /// Removes all but the newest `keep` backups this schedule made.
    func prune() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasPrefix(Self.prefix) }.sorted()
        for name in names.dropLast(keep) {
            try FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }

    static func name(for date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return prefix + formatter.string(from: date)
    }

    /// Backs up now and every `interval` until cancelled. The copy is blocking file and SQLite work, so it
    /// runs on a thread of its own rather than one of the concurrency pool's few.
    func run(databasePath: String, dataDir: String, logger: Logger) async {
        while !Task.isCancelled {
            let started = Date()
            do {
                let target = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<URL, Error>) in
                    Thread.detachNewThread {
                        continuation.resume(with: Result { try runOnce(databasePath: databasePath, dataDir: dataDir, now: started) })
                    }
                }
                logger.info("backup written", metadata: ["path": "\(target.path)", "seconds": "\(String(format: "%.1f", Date().timeIntervalSince(started)))"])
            } catch {
                logger.error("backup failed; will try again at the next interval", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(max(1, interval)))
        }
    }
}
