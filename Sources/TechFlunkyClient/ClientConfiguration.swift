import Foundation
import TOMLKit
import TechFlunkyText

/// Where the client finds the platform and its session: `--api`, then `TECHFLUNKY_API`, then
/// `api = "…"` in `$XDG_CONFIG_HOME/techflunky/config.toml` (default `~/.config`). No URL at all
/// means the embedded default (the sandbox marketplace in this process). The session token comes
/// from `TECHFLUNKY_TOKEN`, else from the token file for that URL (`SessionTokenStore`). The config file is read
/// here once; the terminal UI takes its default theme from `theme` rather than reading the file again.
public struct ClientConfiguration: Sendable, Equatable {
    public enum Source: String, Sendable {
        case flag = "--api"
        case environment = "TECHFLUNKY_API"
        case configFile = "config.toml"
    }

    /// The platform's base URL without a trailing slash; nil for the embedded default.
    public var apiURL: String?
    public var apiURLSource: Source?
    /// The session token to send, if any.
    public var token: String?
    /// Whether `token` came from `TECHFLUNKY_TOKEN` (then `login`/`logout` do not own it).
    public var tokenFromEnvironment: Bool
    public var directory: ConfigDirectory
    /// The config file's `theme` (or `theme` under `[ui]`): the UI's theme unless `--theme` names one.
    public var theme: String?
    /// Why the config file could not be read, when the platform's URL came from elsewhere (`--api`,
    /// `TECHFLUNKY_API`) so the file was not needed for it; the UI shows it in its status bar. (When the URL
    /// had to come from the file, `resolve` throws instead.)
    public var configProblem: String?

    public init(apiURL: String?, apiURLSource: Source?, token: String?, tokenFromEnvironment: Bool, directory: ConfigDirectory,
                theme: String? = nil, configProblem: String? = nil) {
        self.apiURL = apiURL
        self.apiURLSource = apiURLSource
        self.token = token
        self.tokenFromEnvironment = tokenFromEnvironment
        self.directory = directory
        self.theme = theme
        self.configProblem = configProblem
    }

    public static func resolve(apiFlag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ClientConfiguration {
        let directory = ConfigDirectory.resolve(environment: environment)
        let file = Result { try directory.readConfigFile() }
        var url: String?
        var source: Source?
        if let flag = apiFlag?.trimmingCharacters(in: .whitespaces), !flag.isEmpty {
            url = flag; source = .flag
        } else if let env = environment["TECHFLUNKY_API"]?.trimmingCharacters(in: .whitespaces), !env.isEmpty {
            url = env; source = .environment
        } else if let fileURL = try file.get().apiURL {
            url = fileURL; source = .configFile
        }
        if let raw = url { url = try normalize(raw, source: source!) }

        let envToken = environment["TECHFLUNKY_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        var token = envToken
        if token == nil, let url { token = try SessionTokenStore(directory: directory).token(for: url) }
        return ClientConfiguration(apiURL: url, apiURLSource: source, token: token, tokenFromEnvironment: envToken != nil, directory: directory,
                                   theme: (try? file.get())?.theme,
                                   configProblem: file.problem)
    }

    /// Checks a base URL and strips trailing slashes.
    public static func normalize(_ raw: String, source: Source) throws -> String {
        var text = raw
        while text.hasSuffix("/") { text.removeLast() }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty else {
            throw ClientError.configuration("\(source.rawValue): \"\(TextSanitizer.line(raw))\" is not an http(s) URL such as https://techflunky.example or http://127.0.0.1:8080")
        }
        return text
    }
}

/// `$XDG_CONFIG_HOME/techflunky` (default `~/.config/techflunky`): `config.toml` and the token file.
public struct ConfigDirectory: Sendable, Equatable {
    public var url: URL

    public init(url: URL) { self.url = url }

    public static func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) -> ConfigDirectory {
        // XDG: a relative XDG_CONFIG_HOME is invalid and must be ignored.
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            return ConfigDirectory(url: URL(fileURLWithPath: xdg).appendingPathComponent("techflunky", isDirectory: true))
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return ConfigDirectory(url: URL(fileURLWithPath: home).appendingPathComponent(".config/techflunky", isDirectory: true))
    }

    public var configFile: URL { url.appendingPathComponent("config.toml") }
    public var tokenFile: URL { url.appendingPathComponent("session.json") }

    public struct ConfigFile: Sendable, Equatable {
        public var apiURL: String?
        /// `theme`, or `theme` under `[ui]`; a value that is not a string is ignored.
        public var theme: String?
    }

    /// Reads `config.toml`; a missing file is an empty configuration, a broken one an error naming the file.
    public func readConfigFile() throws -> ConfigFile {
        guard let data = FileManager.default.contents(atPath: configFile.path) else { return ConfigFile() }
        let text = String(decoding: data, as: UTF8.self)
        do {
            let table = try TOMLTable(string: text)
            let theme = (table["theme"]?.string ?? table["ui"]?.table?["theme"]?.string).flatMap { $0.isEmpty ? nil : $0 }
            guard let value = table["api"] else { return ConfigFile(theme: theme) }
            guard let api = value.string else {
                throw ClientError.configuration("\(configFile.path): `api` must be a string such as \"https://techflunky.example\"")
            }
            return ConfigFile(apiURL: api, theme: theme)
        } catch let error as TOMLParseError {
            throw ClientError.configuration("\(configFile.path): not valid TOML: \(error.description) at line \(error.source.begin.line)")
        }
    }
}

private extension Result where Success == ConfigDirectory.ConfigFile {
    /// The config file's error as a person reads it, when reading it failed.
    var problem: String? {
        guard case let .failure(error) = self else { return nil }
        return (error as? ClientError)?.description ?? String(describing: error)
    }
}
