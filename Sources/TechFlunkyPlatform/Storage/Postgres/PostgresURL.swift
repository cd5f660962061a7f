import Foundation

/// Where the PostgreSQL engine connects: a libpq-style URL, `postgres://user:password@host:port/database?sslmode=…`
/// (`postgresql://` too). `host=/dir` in the query names a unix-socket directory instead of a TCP host, as libpq's
/// does. `sslmode` is `disable`, `prefer` (the default: TLS when the server offers it, not verified — libpq's
/// meaning), `require` (TLS, not verified) or `verify-full` (TLS with the certificate and host name checked).
/// The password is kept for connecting and never printed: `description` masks it.
public struct PostgresURL: Sendable, Hashable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, CaseIterable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    public enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        /// The socket file itself (`<dir>/.s.PGSQL.<port>`).
        case unixSocket(path: String)
    }

    public var endpoint: Endpoint
    public var username: String
    public var password: String?
    public var database: String
    public var tlsMode: TLSMode

    public init(endpoint: Endpoint, username: String, password: String? = nil, database: String, tlsMode: TLSMode = .prefer) {
        self.endpoint = endpoint
        self.username = username
        self.password = password
        self.database = database
        self.tlsMode = tlsMode
    }

    /// Whether `text` is meant for this engine (`serve --database` tells a URL from a mistake by this).
    public static func looksLikePostgres(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }

    /// Parses a URL; the error names what is wrong and shows the accepted shape.
    public init(parsing text: String) throws(PostgresURLError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard Self.looksLikePostgres(trimmed) else {
            throw PostgresURLError("a PostgreSQL URL starts with postgres:// (for example postgres://techflunky@127.0.0.1:5432/techflunky)")
        }
        guard let components = URLComponents(string: trimmed) else {
            throw PostgresURLError("not a URL (special characters in the password must be percent-encoded, e.g. %40 for @)")
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard let value = item.value else { throw PostgresURLError("the parameter `\(item.name)` needs a value (name=value)") }
            query[item.name] = value
        }
        let known: Set<String> = ["sslmode", "host", "port", "user", "password", "dbname"]
        if let unknown = query.keys.sorted().first(where: { !known.contains($0) }) {
            throw PostgresURLError("unknown parameter `\(unknown)`; this server reads \(known.sorted().joined(separator: ", "))")
        }
        var port = 5432
        if let given = components.port ?? query["port"].flatMap(Int.init) { port = given }
        else if query["port"] != nil { throw PostgresURLError("the port must be a number between 1 and 65535") }
        guard (1...65535).contains(port) else { throw PostgresURLError("the port must be a number between 1 and 65535") }

        let user = query["user"] ?? components.user.flatMap { $0.removingPercentEncoding } ?? ""
        guard !user.isEmpty else { throw PostgresURLError("the URL names no user (postgres://USER@host/database)") }
        let password = query["password"] ?? components.password.flatMap { $0.removingPercentEncoding }

        var path = components.path
        if path.hasPrefix("/") { path.removeFirst() }
        let database = query["dbname"] ?? (path.removingPercentEncoding ?? path)
        guard !database.contains("/") else { throw PostgresURLError("the database name is the one path part after the host") }

        let mode: TLSMode
        if let given = query["sslmode"] {
            guard let parsed = TLSMode(rawValue: given) else {
                throw PostgresURLError("sslmode must be one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            mode = parsed
        } else {
            mode = .prefer
        }

        let endpoint: Endpoint
        if let socketDirectory = query["host"], socketDirectory.hasPrefix("/") {
            endpoint = .unixSocket(path: (socketDirectory as NSString).appendingPathComponent(".s.PGSQL.\(port)"))
        } else {
            let host = query["host"] ?? components.host ?? ""
            guard !host.isEmpty else {
                throw PostgresURLError("the URL names no host (postgres://user@HOST:5432/database, or ?host=/socket/directory)")
            }
            // URLComponents keeps an IPv6 literal's brackets.
            endpoint = .tcp(host: host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host, port: port)
        }
        self.init(endpoint: endpoint, username: user, password: password, database: database.isEmpty ? user : database, tlsMode: mode)
    }

    /// The same server and credentials, another database (the tests make one per test).
    public func with(database: String) -> PostgresURL {
        var copy = self
        copy.database = database
        return copy
    }

    /// The URL with the password masked: safe for logs and error messages.
    public var description: String {
        let credentials = username.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed) ?? username
        let secret = password == nil ? "" : ":***"
        let name = database.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? database
        let mode = tlsMode == .prefer ? "" : "sslmode=\(tlsMode.rawValue)"
        switch endpoint {
        case .tcp(let host, let port):
            let shownHost = host.contains(":") ? "[\(host)]" : host
            return "postgres://\(credentials)\(secret)@\(shownHost):\(port)/\(name)\(mode.isEmpty ? "" : "?" + mode)"
        case .unixSocket(let path):
            let directory = (path as NSString).deletingLastPathComponent
            return "postgres://\(credentials)\(secret)@/\(name)?host=\(directory)\(mode.isEmpty ? "" : "&" + mode)"
        }
    }
}

/// A URL `serve --database` cannot use, with what to fix.
public struct PostgresURLError: Error, Sendable, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "--database: \(message)" }
}
