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
            SignupCommand.self,
            LoginCommand.self,
            LogoutCommand.self,
            WhoamiCommand.self,
            ListingsCommand.self,
            ShowCommand.self,
            CompareCommand.self,
            AssetsCommand.self,
            BuyCommand.self,
            DeployCommand.self,
            WatchCommand.self,
            UpdateCommand.self,
            RetryCommand.self,
            RollbackCommand.self,
            SecretsCommand.self,
            OrdersCommand.self,
            PayoutsCommand.self,
            OfferCommand.self,
            OffersCommand.self,
            AskCommand.self,
            QuestionsCommand.self,
            AnswerCommand.self,
            QuestionCommand.self,
            NotificationsCommand.self,
            WatchlistCommand.self,
            SearchesCommand.self,
            SellerCommand.self,
            PackageCommand.self,
            AccountCommand.self,
            AdminCommand.self,
            CompleteCommand.self,
        ],
        defaultSubcommand: UICommand.self
    )

    /// Like argument-parser's own `main`, but a usage error exits 2 (as git and gh do), so scripts can tell
    /// "you called it wrong" from "it failed" (1) and "interrupted" (3).
    static func main() async {
        // Everything techflunky writes (databases, logs, packages, the session token) is its user's alone, whatever
        // umask it was started with; the platform and the sandbox also set their files' modes themselves.
        umask(0o077)
        var parsed: ParsableCommand.Type?
        do {
            // The async parse: it also answers the completion scripts' `---completion` calls for async completions
            // (the platform's slugs and ids, `CompletionCandidates`), which the synchronous one refuses.
            var command = try await asyncParseAsRoot()
            parsed = type(of: command)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((usageMessage(for: error, in: parsed) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }

    /// The error with the usage of the command it came from. A usage error found while a subcommand runs (an empty
    /// token read from stdin, say) reaches `main` after parsing, where argument-parser would show the top-level usage.
    static func usageMessage(for error: Error, in command: ParsableCommand.Type?) -> String {
        guard let command, command != TechFlunkyCommand.self else { return fullMessage(for: error) }
        let usage = usageString(for: command)
        let name = usage.split(separator: " ").prefix { !"[<-".contains($0.first ?? "-") }.joined(separator: " ")
        return "Error: \(message(for: error))\nUsage: \(usage)\n  See '\(name) --help' for more information."
    }
}
