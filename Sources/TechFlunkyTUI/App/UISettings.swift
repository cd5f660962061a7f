import Foundation
import TechFlunkyClient

/// The UI's own settings, read from the one configuration resolution (`ClientConfiguration.resolve`, which reads
/// the config file once) and the environment: `--theme` > `theme` in the config file > dark; `NO_COLOR`. Where
/// the platform is (`--api` > `TECHFLUNKY_API` > `api` in the config file) is `ClientConfiguration.apiURL`.
public struct UISettings: Sendable, Hashable {
    public var theme: String?
    /// `NO_COLOR` set to anything non-empty (no-color.org).
    public var noColor: Bool
    /// A config file that could not be read, shown in the status bar (the UI still starts).
    public var configProblem: String?

    public init(theme: String?, noColor: Bool, configProblem: String? = nil) {
        self.theme = theme
        self.noColor = noColor
        self.configProblem = configProblem
    }

    public static func resolve(theme: String?, configuration: ClientConfiguration,
                               environment: [String: String] = ProcessInfo.processInfo.environment) -> UISettings {
        UISettings(theme: nonEmpty(theme) ?? nonEmpty(configuration.theme), noColor: !(environment["NO_COLOR"] ?? "").isEmpty,
                   configProblem: configuration.configProblem)
    }

    static func nonEmpty(_ s: String?) -> String? { s.flatMap { $0.isEmpty ? nil : $0 } }

    /// How the header names a platform URL: its host (and port).
    public static func platformLabel(for url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return url }
        return components.port.map { "\(host):\($0)" } ?? host
    }
}
