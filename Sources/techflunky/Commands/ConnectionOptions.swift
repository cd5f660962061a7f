import ArgumentParser
import Foundation
import TechFlunkyClient
import TechFlunkyHTTP

/// `--api URL`, shared by every scripting command. Resolution order: `--api`, `TECHFLUNKY_API`,
/// `api` in `$XDG_CONFIG_HOME/techflunky/config.toml`.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The platform's base URL (default: TECHFLUNKY_API, then `api` in config.toml).", valueName: "url"))
    var api: String?

    /// The resolved configuration; fails with what to do when no platform is named.
    func configuration() throws -> ClientConfiguration {
        let configuration = try ClientConfiguration.resolve(apiFlag: api)
        guard configuration.apiURL != nil else {
            throw ClientError.configuration("""
                no platform configured: pass --api URL, set TECHFLUNKY_API, or put api = "URL" in \
                \(configuration.directory.configFile.path). (`techflunky` with no subcommand runs the sandbox marketplace.)
                """)
        }
        return configuration
    }

    /// A client for the configured platform, signed in when a session token is known.
    func client() throws -> (PlatformClient, ClientConfiguration) {
        let configuration = try configuration()
        let client = PlatformClient(baseURL: configuration.apiURL!, token: configuration.token, transport: Self.sharedTransport)
        return (client, configuration)
    }

    /// A client whose calls need a session: fails early with what to do when there is none.
    func signedInClient() throws -> PlatformClient {
        let (client, configuration) = try client()
        guard client.token != nil else {
            throw ClientError.signedOut(message: "no session for \(configuration.apiURL!)")
        }
        return client
    }

    static let sharedTransport = CurlHTTPClient()
}

/// `--json`: machine output on stdout (the API's own wire JSON), instead of text for people.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false
}
