import ArgumentParser
import Foundation
import TechFlunkyClient
import TechFlunkyTUI

/// `techflunky [ui] [--api URL] [--theme NAME]`: the terminal UI.
///
/// The platform is `--api`, else `TECHFLUNKY_API`, else `api` in the config file (`ClientConfiguration`), else the
/// embedded default (sandbox and platform started in this process — wired by `makeEmbeddedService`). The session
/// token is `TECHFLUNKY_TOKEN` or the one `techflunky login` stored for that URL.
struct UICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: "Open the terminal UI (the default).",
        discussion: """
            Keys: ? help for the current pane, / search, Enter open, b buy, t cycle themes, 1/2/3 tabs, \
            q or Esc back, Q quit. Themes are read from themes/ and $XDG_CONFIG_HOME/techflunky/themes; \
            NO_COLOR turns colours off.
            """
    )

    @Option(name: .long, help: "The platform API base URL (default: TECHFLUNKY_API, the config file, or the local sandbox).")
    var api: String?

    @Option(name: .long, help: "Colour theme: dark, light, high-contrast, mono, or a theme file's name.")
    var theme: String?

    func run() async throws {
        let settings = UISettings.resolve(api: api, theme: theme)
        var themes = ThemeLoader.loadThemes(directories: ThemeLoader.searchDirectories(), selected: settings.theme)
        if let problem = settings.configProblem {
            themes.problem = themes.problem.map { $0 + " · " + problem } ?? "Config problem: " + problem
        }
        let client: ClientConfiguration
        do {
            client = try ClientConfiguration.resolve(apiFlag: api)
        } catch let error as ClientError {
            throw ValidationError(error.description)
        }
        let service: any MarketplaceService
        let environment: UIEnvironment
        if let url = client.apiURL {
            service = PlatformClient(baseURL: url, token: client.token)
            environment = UIEnvironment(platformLabel: UISettings.platformLabel(for: url), noColor: settings.noColor)
        } else {
            service = try await makeEmbeddedService()
            environment = UIEnvironment(platformLabel: "sandbox", noColor: settings.noColor)
        }
        do {
            try await TUIApp.run(service: service, environment: environment, themes: themes)
        } catch let error as TerminalError {
            throw ValidationError(error.description)
        }
    }

    /// The seam for the embedded default: start the sandbox and the platform in-process, sign in the demo
    /// account, and return a service connected to it.
    func makeEmbeddedService() async throws -> any MarketplaceService {
        throw ValidationError("the embedded sandbox is not wired into this build yet; pass --api URL")
    }
}
