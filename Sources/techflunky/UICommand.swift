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
/// embedded default (sandbox and platform started in this process, `EmbeddedMarketplace`). The UI talks to the
/// platform through `PlatformClient`, the `MarketplaceService` of TechFlunkyClient. The session
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
            let embedded = EmbeddedMarketplace()
            let session = try await openEmbedded(embedded)
            let clockKeeper = embedded.persistClockPeriodically(session)
            let client = PlatformClient(baseURL: session.apiURL, token: session.token)
            let environment = UIEnvironment(platformLabel: "sandbox", accountLabel: DemoCatalogLoader.demoEmail, noColor: settings.noColor,
                                            sandboxCloudflare: DemoWorld.sandboxCloudflareCredentials, sandboxZone: SandboxServer.demoZone)
            do {
                try await runUI(service: client, environment: environment, themes: themes)
            } catch {
                clockKeeper?.cancel()
                await embedded.close(session)
                StandardError.restore()
                throw error
            }
            clockKeeper?.cancel()
            await embedded.close(session)
            StandardError.restore()
        }
    }

    private func runUI(service: any MarketplaceService, environment: UIEnvironment, themes: ThemeSet) async throws {
        do {
            try await TUIApp.run(service: service, environment: environment, themes: themes)
        } catch let error as TerminalError {
            throw ValidationError(error.description)
        }
    }

    /// Starts the embedded marketplace with its logs in a file under its data directory; from here on
    /// nothing the servers (or any library) write to stderr can reach the screen the UI draws on.
    private func openEmbedded(_ embedded: EmbeddedMarketplace) async throws -> EmbeddedMarketplace.Session {
        let sink: FileLogHandler.Sink
        do {
            try FileManager.default.createDirectory(at: embedded.logFile.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            sink = try FileLogHandler.Sink(url: embedded.logFile)
        } catch {
            throw ValidationError("cannot write the sandbox's log file \(embedded.logFile.path): \(error.localizedDescription)")
        }
        LoggingSystem.bootstrap { label in FileLogHandler(label: label, sink: sink) }
        StandardError.redirect(to: sink.fileDescriptor)
        let logger = Logger(label: "techflunky.embedded")
        do {
            return try await embedded.open(logger: logger) { message in
                FileHandle.standardOutput.write(Data((message + "\n").utf8))
            }
        } catch {
            logger.error("the embedded marketplace did not start", metadata: ["error": "\(error)"])
            StandardError.restore()
            throw CommandFailure("the local sandbox marketplace did not start: \(error)\nLogs: \(embedded.logFile.path)")
        }
    }
}
