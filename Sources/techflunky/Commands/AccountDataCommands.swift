import ArgumentParser
import Foundation
import TechFlunkyClient
import TechFlunkyCore

/// `techflunky account export|delete`: the signed-in person's own data.
struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Export or erase your account's data.",
        subcommands: [AccountExportCommand.self, AccountDeleteCommand.self]
    )
}

/// `techflunky account export [--out FILE]`
struct AccountExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write everything the platform holds about you as one JSON document.",
        discussion: "Profile, sessions (times only), orders, sales and payouts, listings, deployments and their events. To standard output, or to --out FILE (created with mode 0600)."
    )

    @OptionGroup var connection: ConnectionOptions
    @Option(name: .long, help: "Write to this file instead of standard output (it must not exist).") var out: String?

    func run() async throws {
        let export = try await connection.withClient(signedIn: true) { client in try await client.exportAccount() }
        let data = try WireJSON.encode(export, pretty: true) + Data("\n".utf8)
        guard let out else {
            FileHandle.standardOutput.write(data)
            return
        }
        // Exclusive create, 0600 from the start: the document holds personal data.
        let fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw CommandFailure("cannot create \(out): \(String(cString: strerror(errno))) (it must not exist yet; choose another --out)")
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        try handle.write(contentsOf: data)
        try handle.close()
        TerminalOutput.note("Wrote \(export.orders.count) orders, \(export.sales.count) sales, \(export.listings.count) listings and "
                            + "\(export.deployments.count) deployments of \(TerminalOutput.clean(export.account.email)) to \(out).")
    }
}

/// `techflunky account delete [--yes]`
struct AccountDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Erase your account. This cannot be undone.",
        discussion: """
            Removes or pseudonymises your personal data (email, name, password; every session ends; your listings \
            are withdrawn and your deployment records deleted). Orders are kept as financial records without \
            personal data. Asks you to type your email unless --yes is given. Consider `techflunky account export` first.
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Flag(name: .long, help: "Do not ask; erase at once (for scripts).") var yes = false

    func run() async throws {
        let receipt = try await connection.withClient(signedIn: true) { client -> AccountErasureReceipt in
            let email = try await client.me().account.email
            if !yes {
                TerminalOutput.note("This erases \(TerminalOutput.clean(email)) on \(client.baseURL) for good: sign-in, name, listings, deployment records.")
                let typed = try SecretInput.ask("Type the account's email to confirm: ", hint: "pass --yes to erase without asking")
                guard typed.trimmingCharacters(in: .whitespaces).lowercased() == email.lowercased() else {
                    throw CommandFailure("that is not this account's email; nothing was erased")
                }
            }
            return try await client.eraseAccount(confirm: email)
        }
        // The session is gone on the server; forget the saved copy too.
        if let configuration = try? ClientConfiguration.resolve(apiFlag: connection.api), let url = configuration.apiURL {
            _ = try? SessionTokenStore(directory: configuration.directory).remove(for: url)
        }
        let out = TerminalOutput()
        if output.json { return try out.json(receipt) }
        out.line("Erased account \(TerminalOutput.clean(receipt.accountId)). \(TerminalOutput.clean(receipt.note))")
    }
}
