import Foundation
import Logging
import NIOCore
import NIOSSL
import PostgresNIO
import Synchronization

/// The platform's PostgreSQL database: a postgres-nio connection pool (`PostgresClient`) running for the life
/// of this value, opened only after one direct connection proved the server answers and applied every pending
/// migration (`PostgresSchema`). The pool retries a server it cannot reach forever, which is right for a running
/// platform and wrong for a start with a mistyped URL: the direct connection turns that into an error at once.
/// Routes never see this type: the PostgreSQL store implementations (`PostgresAccountStore`, …) hold it.
public final class PostgresDatabase: Sendable {
    public let url: PostgresURL
    let client: PostgresClient
    let logger: Logger
    private let runTask: Task<Void, Never>
    /// This instance's LISTEN session (`startChangeFeed`), stopped by `close()`.
    private let changeFeed = Mutex<PostgresChangeFeed?>(nil)

    private init(url: PostgresURL, client: PostgresClient, logger: Logger) {
        self.url = url
        self.client = client
        self.logger = logger
        // `PostgresClient` leases connections only while `run()` runs; cancelling it closes the pool. `Task.immediate`
        // enters `run()` before this returns (it marks itself running before its first suspension), so the first
        // query never finds the pool not yet running (postgres-nio warned "run() hasn't been called yet" at starts).
        self.runTask = Task.immediate { await client.run() }
    }

    /// Connects, migrates, and starts the pool. Throws `PostgresEngineError` naming the URL (password masked)
    /// and what went wrong: unreachable, refused credentials, a missing database, a failed migration.
    public static func open(_ url: PostgresURL, logger: Logger, maximumConnections: Int = 20) async throws -> PostgresDatabase {
        try await PostgresSchema.migrate(url: url, logger: logger)
        var configuration = try url.clientConfiguration()
        configuration.options.maximumConnections = max(1, maximumConnections)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return PostgresDatabase(url: url, client: client, logger: logger)
    }

    /// Starts (once) the session that LISTENs for what other instances change (`PostgresChangeFeed`): catalog
    /// changes bump `catalogGeneration`, notification changes ring `notificationBell`. Stopped by `close()`.
    @discardableResult
    func startChangeFeed(catalogGeneration: CatalogGeneration, notificationBell: NotificationBell) -> PostgresChangeFeed {
        let feed = changeFeed.withLock { feed -> PostgresChangeFeed in
            if let feed { return feed }
            let made = PostgresChangeFeed(url: url, logger: logger, catalogGeneration: catalogGeneration, notificationBell: notificationBell)
            feed = made
            return made
        }
        feed.start()
        return feed
    }

    /// The change feed, once started.
    var runningChangeFeed: PostgresChangeFeed? { changeFeed.withLock { $0 } }

    /// Stops the change feed and the pool (waits for them to close their connections).
    public func close() async {
        await runningChangeFeed?.stop()
        runTask.cancel()
        await runTask.value
    }

    /// The names in `schema_migrations`, in the order they were applied.
    public func appliedMigrations() async throws -> [String] {
        try await rows("SELECT name FROM schema_migrations ORDER BY applied_at, name").map { try $0.decode(String.self) }
    }

    /// One query, its rows collected.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        do {
            var rows: [PostgresRow] = []
            for try await row in try await client.query(query, logger: logger) { rows.append(row) }
            return rows
        } catch {
            throw PostgresEngineError.query(url: url, error)
        }
    }

    /// A statement whose rows nobody reads. (postgres-nio does not expose the command tag: a statement whose
    /// change count matters says `RETURNING 1` and counts `rows`.)
    func execute(_ query: PostgresQuery) async throws {
        do {
            for try await _ in try await client.query(query, logger: logger) {}
        } catch {
            throw PostgresEngineError.query(url: url, error)
        }
    }

    /// Creates an empty database on the server `server` names (connected to as its database says). The name is
    /// letters, digits and underscores only: it cannot be a bind parameter.
    static func createDatabase(named name: String, on server: PostgresURL, logger: Logger) async throws {
        guard !name.isEmpty, name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }) else {
            throw PostgresURLError("a database name of lower-case letters, digits and underscores, not `\(name)`")
        }
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connectUnlessCancelled(configuration: try server.connectionConfiguration(), id: 0, logger: logger)
        } catch {
            throw PostgresEngineError.connect(url: server, error)
        }
        do {
            for try await _ in try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger) {}
            try? await connection.close()
        } catch {
            try? await connection.close()
            throw PostgresEngineError.query(url: server, error)
        }
    }

    /// PostgreSQL's text cannot hold U+0000 (SQLite's can): a value with one is refused up front, naming its field,
    /// rather than failing in the server as an internal error.
    static func refuseNul(_ fields: [(name: String, value: String)]) throws {
        if let field = fields.first(where: { $0.value.unicodeScalars.contains("\u{0}") }) {
            throw PlatformError.validation("`\(field.name)` contains the character U+0000 (NUL), which this platform's database cannot store",
                                           field: field.name)
        }
    }

    /// Whether `error` (as thrown by this type) is a unique-constraint violation (SQLSTATE 23505).
    static func isUniqueViolation(_ error: any Error) -> Bool {
        sqlState(of: error) == "23505"
    }

    static func sqlState(of error: any Error) -> String? {
        if case .query(_, let underlying)? = error as? PostgresEngineError { return sqlState(of: underlying) }
        return (error as? PSQLError)?.serverInfo?[.sqlState]
    }
}

/// Why the PostgreSQL engine could not do what it was asked, in words a person can act on. PSQLError's own
/// description is deliberately generic (it may otherwise carry query data); this keeps the server's message
/// and SQLSTATE, which name the problem without the data.
public enum PostgresEngineError: Error, Sendable, CustomStringConvertible {
    case connect(url: PostgresURL, any Error)
    case migration(name: String, url: PostgresURL, any Error)
    case query(url: PostgresURL, any Error)

    public var description: String {
        switch self {
        case .connect(let url, let error):
            "cannot connect to PostgreSQL at \(url): \(Self.reason(error)). Check that the server runs and accepts this user "
                + "(scripts/postgres-cluster start gives a throwaway one)"
        case .migration(let name, let url, let error):
            "PostgreSQL migration \(name) failed on \(url): \(Self.reason(error)); nothing of it was applied"
        case .query(let url, let error):
            "PostgreSQL query failed on \(url): \(Self.reason(error))"
        }
    }

    static func reason(_ error: any Error) -> String {
        if let error = error as? PostgresEngineError { return error.description }
        guard let error = error as? PSQLError else { return String(describing: error) }
        if let info = error.serverInfo, let message = info[.message] {
            return "\(message) (SQLSTATE \(info[.sqlState] ?? "?"))"
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }
}

extension PostgresURL {
    /// The pool's configuration.
    func clientConfiguration() throws -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        switch endpoint {
        case .tcp(let host, let port):
            let tls: PostgresClient.Configuration.TLS = switch tlsMode {
            case .disable: .disable
            case .prefer: .prefer(Self.unverifiedTLS)
            case .require: .require(Self.unverifiedTLS)
            case .verifyFull: .require(.makeClientConfiguration())
            }
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: tls)
        case .unixSocket(let path):
            configuration = .init(unixSocketPath: path, username: username, password: password, database: database)
        }
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// One direct connection's configuration (migrations, and the check at start).
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        switch endpoint {
        case .tcp(let host, let port):
            let tls: PostgresConnection.Configuration.TLS = switch tlsMode {
            case .disable: .disable
            case .prefer: .prefer(try NIOSSLContext(configuration: Self.unverifiedTLS))
            case .require: .require(try NIOSSLContext(configuration: Self.unverifiedTLS))
            case .verifyFull: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: tls)
        case .unixSocket(let path):
            configuration = .init(unixSocketPath: path, username: username, password: password, database: database)
        }
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// `prefer` and `require` encrypt without checking the certificate, as libpq does; `verify-full` checks it.
    private static var unverifiedTLS: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        return configuration
    }
}
