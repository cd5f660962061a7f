import ArgumentParser
import Foundation
import TechFlunkySandbox
import Logging
import TechFlunkyClient
import TechFlunkyPlatform
import TechFlunkyTUI

/// `techflunky [ui] [--api URL] [--theme NAME]`: the terminal UI.
///
/// The platform is `--api`, else `TECHFLUNKY_API`, else `api` in the config file (`ClientConfiguration`), else the
/// embedded default (the local sandbox daemon, started in the background by the first `techflunky` that needs it
/// and shared by every terminal: `SandboxLauncher`, `SandboxDaemon`). The UI talks to the
/// platform through `PlatformClient`, the `MarketplaceService` of TechFlunkyClient. The session
/// token is `TECHFLUNKY_TOKEN` or the one `techflunky login` stored for that URL.
struct UICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: "Open the terminal UI (the default).",
        discussion: """
            Keys: ? help for the current pane, / search, Enter open, b buy, t cycle themes, 1/2/3 tabs, \
            q or Esc back, Q quit. Themes are read from themes/ and $XDG_CONFIG_HOME/techflunky/themes; \
            NO_COLOR turns colours off. On the local sandbox, quitting leaves its daemon running for other \
            terminals (techflunky sandbox status|stop).
            """
    )

    @Option(name: .long, help: "The platform API base URL (default: TECHFLUNKY_API, the config file, or the local sandbox).")
    var api: String?

    @Option(name: .long, help: "Colour theme: dark, light, high-contrast, mono, or a theme file's name.")
    var theme: String?

    func run() async throws {
        // One resolution of the configuration (flag, environment, config file); the UI reads its bits from it.
        let client: ClientConfiguration
        do {
            client = try ClientConfiguration.resolve(apiFlag: api)
        } catch let error as ClientError {
            throw ValidationError(error.description)
        }
        let settings = UISettings.resolve(theme: theme, configuration: client)
        var themes = ThemeLoader.loadThemes(directories: ThemeLoader.searchDirectories(), selected: settings.theme)
        if let problem = settings.configProblem {
            themes.problem = themes.problem.map { $0 + " · " + problem } ?? "Config problem: " + problem
        }
        if let url = client.apiURL {
            let service = PlatformClient(baseURL: url, token: client.token)
            let environment = UIEnvironment(platformLabel: UISettings.platformLabel(for: url), noColor: settings.noColor)
            try await runUI(service: service, environment: environment, themes: themes)
        } else {
            let service = try await openLocalSandbox()
            let keeper = service.keepAlive()
            let environment = UIEnvironment(platformLabel: "sandbox", accountLabel: DemoCatalogLoader.demoEmail, noColor: settings.noColor,
                                            sandboxCloudflare: DemoWorld.sandboxCloudflareCredentials, sandboxZone: SandboxServer.demoZone)
            // Quitting (q, Q, Ctrl-C) or a crash ends only this UI: the daemon and its deployments go on.
            defer {
                keeper.cancel()
                StandardError.restore()
            }
            try await runUI(service: service, environment: environment, themes: themes)
        }
    }

    private func runUI(service: any MarketplaceService, environment: UIEnvironment, themes: ThemeSet) async throws {
        do {
            try await TUIApp.run(service: service, environment: environment, themes: themes)
        } catch let error as TerminalError {
            throw ValidationError(error.description)
        }
    }

    /// Connects to the local sandbox daemon, starting it if none runs (`SandboxLauncher`). From here on this
    /// process's logs and anything a library writes to stderr go to the sandbox's log file, never onto the
    /// screen the UI draws on.
    private func openLocalSandbox() async throws -> LocalSandboxService {
        let launcher = SandboxLauncher()
        let directory = launcher.directory
        let sink: FileLogHandler.Sink
        do {
            try directory.prepare()
            sink = try FileLogHandler.Sink(url: directory.logFile)
        } catch {
            throw CommandFailure("cannot write the sandbox's log file \(directory.logFile.path): \(error)")
        }
        LoggingSystem.bootstrap { label in FileLogHandler(label: label, sink: sink) }
        do {
            let state = try await launcher.ensureRunning { message in
                FileHandle.standardOutput.write(Data((message + "\n").utf8))
            }
            let service = try await LocalSandboxService.connect(state, launcher: launcher)
            StandardError.redirect(to: sink.fileDescriptor)
            return service
        } catch {
            Logger(label: "techflunky.ui").error("the local sandbox did not start", metadata: ["error": "\(error)"])
            throw CommandFailure("the local sandbox marketplace did not start: \(error)\nLogs: \(directory.logFile.path)")
        }
    }
}
