import ArgumentParser
import TechFlunkyCore

/// `techflunky`: with no subcommand, the terminal UI (on the embedded default unless `--api` or
/// `TECHFLUNKY_API` names a platform). Subcommands are the scripting commands and the server.
@main
struct TechFlunkyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "techflunky",
        abstract: "Buy, deploy and sell ready-to-run software businesses from your terminal.",
        discussion: """
            With no subcommand, opens the terminal UI. With no --api and no TECHFLUNKY_API it runs the whole
            marketplace on this machine (the sandbox): offline Stripe and Cloudflare stand-ins, the platform,
            and a demo catalog. Exit codes: 0 success, 1 failure, 2 usage, 3 deployment interrupted.
            """,
        version: TechFlunkyVersion.current,
        subcommands: [
            UICommand.self,
            ServeCommand.self,
            SandboxCommand.self,
        ],
        defaultSubcommand: UICommand.self
    )
}
