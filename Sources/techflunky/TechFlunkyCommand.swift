import ArgumentParser
import Foundation
import TechFlunkyCore

/// `techflunky`: with no subcommand, the terminal UI (on the embedded default unless `--api` or
/// `TECHFLUNKY_API` names a platform). Subcommands are the scripting commands and the server.
@main
struct TechFlunkyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "techflunky",
        abstract: "Buy, deploy and sell ready-to-run software businesses from your terminal.",
        discussion: """
            With no subcommand, opens the terminal UI. With no --api and no TECHFLUNKY_API it runs the whole \
            marketplace on this machine (the sandbox): offline Stripe and Cloudflare stand-ins, the platform, \
            and a demo catalog.

            Exit codes: 0 success, 1 failure, 2 usage, 3 deployment interrupted (watch).
            """,
        version: TechFlunkyVersion.current,
        subcommands: [
            UICommand.self,
            ServeCommand.self,
            SandboxCommand.self,
            LoginCommand.self,
            LogoutCommand.self,
            WhoamiCommand.self,
            ListingsCommand.self,
            ShowCommand.self,
            BuyCommand.self,
            DeployCommand.self,
            WatchCommand.self,
            OrdersCommand.self,
            PayoutsCommand.self,
            SellerCommand.self,
            PackageCommand.self,
            AccountCommand.self,
            AdminCommand.self,
        ],
        defaultSubcommand: UICommand.self
    )

    /// Like argument-parser's own `main`, but a usage error exits 2 (as git and gh do), so scripts can tell
    /// "you called it wrong" from "it failed" (1) and "interrupted" (3).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
