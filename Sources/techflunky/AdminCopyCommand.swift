import ArgumentParser
import Foundation
import Logging
import TechFlunkyPlatform
import TechFlunkyText

/// `techflunky admin copy --from sqlite:PATH --to postgres://…`: moves a platform from SQLite to PostgreSQL.
struct AdminCopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a platform's SQLite database into an empty PostgreSQL database.",
        discussion: """
            Applies the PostgreSQL migrations (as serve does at start), then copies every table the PostgreSQL \
            schema has from the SQLite file, in foreign-key order, in one transaction, and compares every table's \
            row count before it commits: a failure leaves the target as it was. The SQLite file is read as of one \
            moment (a read transaction) and never written, so serve may keep running on it; stop it before the \
            copy if nothing written afterwards may be lost. A target that already holds rows is refused (--replace \
            empties it first), and so is SQLite data with no PostgreSQL table or column to go to (--partial leaves \
            it behind, listed). Package bundles and sealed secrets stay in the data directory: give the PostgreSQL \
            instances the same --data-dir contents. Pass the password through DATABASE_URL rather than --to: \
            flags show in process listings. See docs/operations.md.
            """
    )

    @Option(help: ArgumentHelp("The SQLite database: sqlite:PATH, e.g. sqlite:/var/lib/techflunky/platform.sqlite.", valueName: "sqlite:PATH"))
    var from: String
    @Option(help: ArgumentHelp("The PostgreSQL database: postgres://user@host:port/database (default: DATABASE_URL).", valueName: "postgres-url"))
    var to: String?
    @Flag(help: "Empty the target's tables first (in the same transaction) instead of refusing a database that holds rows.")
    var replace = false
    @Flag(help: "Copy even when the SQLite database holds tables or columns PostgreSQL has no place for (they are listed, not copied).")
    var partial = false
    @Option(help: "Rows per INSERT statement.") var batchSize = 1_000

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        _ = try sourcePath()
    }

    /// The path in `sqlite:PATH` (`sqlite://PATH` too).
    func sourcePath() throws -> String {
        for prefix in ["sqlite://", "sqlite:"] where from.lowercased().hasPrefix(prefix) {
            let path = String(from.dropFirst(prefix.count))
            guard !path.isEmpty else { break }
            return path
        }
        throw ValidationError("--from takes sqlite:PATH, the SQLite file serve uses (e.g. sqlite:/var/lib/techflunky/platform.sqlite)")
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let text = to ?? environment["DATABASE_URL"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            throw CommandFailure("no target: give --to postgres://user@host/database or set DATABASE_URL")
        }
        let url: PostgresURL
        do { url = try PostgresURL(parsing: text) } catch {
            throw CommandFailure("\(to == nil ? "DATABASE_URL" : "--to"): \(error.message)")
        }
        var logger = Logger(label: "techflunky.copy")
        logger.logLevel = .error
        let source = try sourcePath()
        let interactive = isatty(STDERR_FILENO) == 1
        print("Copying \(TextSanitizer.line(source)) into \(url) …")
        fflush(nil)
        // On a terminal, the table being copied and how far it is, on one line of standard error.
        let showProgress: PlatformCopy.Progress = { table, done, total in
            let line = "  \(TextSanitizer.line(table)) \(done.formatted()) of \(total.formatted()) rows"
            FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
        }
        let options = PlatformCopy.Options(replace: replace, partial: partial, batchSize: batchSize)
        let report: PlatformCopy.Report
        do {
            report = try await PlatformCopy.run(sqlitePath: source, to: url, options: options, logger: logger,
                                                progress: interactive ? showProgress : nil)
        } catch let error as PlatformCopyError {
            if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            throw CommandFailure(TextSanitizer.line(error.description))
        }
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        for line in Self.lines(report) { print(line) }
    }

    /// The report as a person reads it: a row per table copied, then what was left out and why.
    static func lines(_ report: PlatformCopy.Report) -> [String] {
        var lines: [String] = []
        if !report.replaced.isEmpty {
            lines.append("Emptied first (--replace): " + report.replaced.map { "\(name($0.name)) (\($0.rows.formatted()) rows)" }.joined(separator: ", "))
        }
        let width = max(5, report.tables.map { name($0.name).count }.max() ?? 0)
        let countWidth = max(4, report.tables.map { $0.rows.formatted().count }.max() ?? 0)
        for table in report.tables {
            var line = "  " + name(table.name).padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                + String(repeating: " ", count: max(0, countWidth - table.rows.formatted().count)) + table.rows.formatted()
                + (table.rows == 1 ? " row " : " rows")
            if let identity = table.identity { line += "  (\(name(identity.column)) continues at \(identity.next))" }
            if !table.sqliteOnlyColumns.isEmpty { line += "  not copied: " + table.sqliteOnlyColumns.map(name).joined(separator: ", ") }
            lines.append(line)
        }
        if !report.internalTables.isEmpty {
            lines.append("Skipped, SQLite's own (PostgreSQL keeps its own migrations and search index): "
                         + report.internalTables.map(name).joined(separator: ", "))
        }
        let empty = report.notCopied.filter { $0.rows == 0 }, left = report.notCopied.filter { $0.rows > 0 }
        if !empty.isEmpty {
            lines.append("No PostgreSQL table yet (empty in SQLite, nothing left behind): " + empty.map { name($0.name) }.joined(separator: ", "))
        }
        if !left.isEmpty {
            lines.append("NOT copied (--partial; no PostgreSQL table): " + left.map { "\(name($0.name)) (\($0.rows.formatted()) rows)" }.joined(separator: ", "))
        }
        if !report.postgresOnly.isEmpty {
            lines.append("Left empty (not in the SQLite database): " + report.postgresOnly.map(name).joined(separator: ", "))
        }
        lines.append("Verified: every table's row count matches (\(report.totalRows.formatted()) rows in \(report.tables.count) tables); "
                     + "committed in \(String(format: "%.1f", report.seconds)) s.")
        return lines
    }

    private static func name(_ text: String) -> String { TextSanitizer.line(text) }
}
