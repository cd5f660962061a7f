import Foundation
import TOMLKit

/// The UI's settings after the command line, the environment and the config file have had their say, in that
/// order of precedence: `--api` > `TECHFLUNKY_API` > `api` in the config file; `--theme` > `theme` in the config
/// file > dark. The config file is `$XDG_CONFIG_HOME/techflunky/config.toml` (default `~/.config/…`).
public struct UISettings: Sendable, Hashable {
    /// The platform to connect to; nil means the embedded default (sandbox and platform in this process).
    public var apiURL: String?
    public var theme: String?
    /// `NO_COLOR` set to anything non-empty (no-color.org).
    public var noColor: Bool
    /// A config file that could not be read, shown in the status bar (the UI still starts).
    public var configProblem: String?

    public static func resolve(api: String?, theme: String?,
                               environment: [String: String] = ProcessInfo.processInfo.environment) -> UISettings {
        var problem: String? = nil
        var configAPI: String? = nil
        var configTheme: String? = nil
        if let path = configPath(environment), let data = FileManager.default.contents(atPath: path) {
            do {
                let table = try TOMLTable(string: String(decoding: data, as: UTF8.self))
                configAPI = table["api"]?.string
                configTheme = table["theme"]?.string ?? table["ui"]?.table?["theme"]?.string
            } catch let error as TOMLParseError {
                problem = "\(path): line \(error.source.begin.line): \(error.description)"
            } catch {
                problem = "\(path): \(error)"
            }
        }
        let envAPI = environment["TECHFLUNKY_API"].flatMap { $0.isEmpty ? nil : $0 }
        return UISettings(apiURL: nonEmpty(api) ?? envAPI ?? nonEmpty(configAPI), theme: nonEmpty(theme) ?? nonEmpty(configTheme),
                          noColor: !(environment["NO_COLOR"] ?? "").isEmpty, configProblem: problem)
    }

    static func nonEmpty(_ s: String?) -> String? { s.flatMap { $0.isEmpty ? nil : $0 } }

    public static func configPath(_ environment: [String: String]) -> String? {
        let base = nonEmpty(environment["XDG_CONFIG_HOME"]) ?? environment["HOME"].map { $0 + "/.config" }
        return base.map { $0 + "/techflunky/config.toml" }
    }

    /// How the header names a platform URL: its host (and port).
    public static func platformLabel(for url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return url }
        return components.port.map { "\(host):\($0)" } ?? host
    }
}
