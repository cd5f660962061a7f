import ArgumentParser
import Foundation
import Logging
import TechFlunkyClient
import TechFlunkyHTTP

/// `--api URL`, shared by every scripting command. Resolution order: `--api`, `TECHFLUNKY_API`,
/// `api` in `$XDG_CONFIG_HOME/techflunky/config.toml`; with none of them, the local sandbox
/// marketplace (the embedded default: the local sandbox daemon, started in the background if none runs
/// and left running for the next command, signed in as the demo account).
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The platform's base URL (default: TECHFLUNKY_API, then `api` in config.toml, then the local sandbox).", valueName: "url"))
    var api: String?

    @Option(name: .long, help: ArgumentHelp("PEM file of the certificate authorities to trust for the platform's HTTPS instead of the system's (default: TECHFLUNKY_CACERT).", valueName: "file"))
    var cacert: String?

    /// The shared client, or one trusting `--cacert` / `TECHFLUNKY_CACERT` (certificates are verified either way).
    var transport: CurlHTTPClient {
        let environment = ProcessInfo.processInfo.environment["TECHFLUNKY_CACERT"].flatMap { $0.isEmpty ? nil : $0 }
        guard let path = cacert ?? environment else { return Self.sharedTransport }
        return CurlHTTPClient(configuration: .init(caBundlePath: path))
    }

    /// A malformed `--api` is a mistake in how the command was called (exit 2), found before anything runs.
    func validate() throws {
        guard let api, !api.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        do {
            _ = try ClientConfiguration.normalize(api.trimmingCharacters(in: .whitespaces), source: .flag)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// A configured platform; fails with what to do when none is named (for login and logout, which
    /// have no meaning on the sandbox, where the demo account is always signed in).
    func configuredPlatform() throws -> (PlatformClient, ClientConfiguration) {
        let configuration = try ClientConfiguration.resolve(apiFlag: api)
        guard let url = configuration.apiURL else {
            throw ClientError.configuration("""
                no platform configured: pass --api URL, set TECHFLUNKY_API, or put api = "URL" in \
                \(configuration.directory.configFile.path). (The local sandbox needs no login: it signs in as the demo account.)
                """)
        }
        return (PlatformClient(baseURL: url, token: configuration.token, transport: transport), configuration)
    }

    /// Runs `body` with a client for the configured platform or the local sandbox daemon. With `signedIn`, fails
    /// early (with what to do) when there is no session.
    func withClient<T>(signedIn: Bool = false, _ body: (PlatformClient) async throws -> T) async throws -> T {
        let configuration = try ClientConfiguration.resolve(apiFlag: api)
        if let url = configuration.apiURL {
            let client = PlatformClient(baseURL: url, token: configuration.token, transport: transport)
            if signedIn, client.token == nil {
                throw ClientError.signedOut(message: "no session for \(url)")
            }
            return try await body(client)
        }
        let state: LocalSandboxState
        do {
            state = try await SandboxLauncher().ensureRunning { TerminalOutput.note($0) }
        } catch {
            throw ClientError.configuration("could not start the local sandbox (\(error)); pass --api URL to use another platform")
        }
        // The daemon goes on after this command, for the next command and every UI.
        let client = PlatformClient(baseURL: state.apiURL, transport: transport)
        if let token = configuration.token {
            client.token = token
        } else {
            try await EmbeddedMarketplace.signInDemo(client)
        }
        return try await body(client)
    }

    static let sharedTransport = CurlHTTPClient()
}

/// `--json`: machine output on stdout (the API's own wire JSON), instead of text for people.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false
}
