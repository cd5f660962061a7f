import ArgumentParser
import Foundation
import TechFlunkyClient
import TechFlunkyCore

/// `techflunky login`: signs in and keeps the session token in the 0600 token file for this platform.
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Sign in; the session is kept in ~/.config/techflunky/session.json (mode 0600).",
        discussion: "The password is read without echo from the terminal, or from the first line of standard input with --password-stdin; never from a flag."
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: "Your account's email (asked for when left out).")
    var email: String?

    @Flag(name: .long, help: "Read the password from the first line of standard input.")
    var passwordStdin = false

    func run() async throws {
        let (client, configuration) = try connection.configuredPlatform()
        let email = try email ?? SecretInput.ask("Email: ", hint: "pass --email")
        let password = passwordStdin
            ? SecretInput.firstLineOfStandardInput()
            : try SecretInput.prompt("Password: ", hint: "pipe the password with --password-stdin")
        guard !email.isEmpty, !password.isEmpty else { throw ValidationError("an email and a password are needed") }
        let auth = try await client.login(email: email, password: password)
        try SessionTokenStore(directory: configuration.directory).save(token: auth.token, for: client.baseURL)
        if configuration.tokenFromEnvironment {
            TerminalOutput.note("note: TECHFLUNKY_TOKEN is set and overrides the saved session")
        }
        let out = TerminalOutput()
        if output.json {
            try out.json(auth.account)
        } else {
            out.line("Signed in to \(client.baseURL) as \(TerminalOutput.clean(auth.account.displayName)) <\(TerminalOutput.clean(auth.account.email))>.")
        }
    }
}

/// `techflunky signup`: creates an account (one account buys and sells) and keeps its session like `login`.
struct SignupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signup",
        abstract: "Create an account and sign in; the session is kept like login's.",
        discussion: "The password (at least 10 characters) is read without echo, twice, or from the first line of standard input with --password-stdin; never from a flag."
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: "Your email (asked for when left out).")
    var email: String?

    @Option(name: .long, help: "The name buyers and sellers see (asked for when left out).")
    var name: String?

    @Flag(name: .long, help: "Read the password from the first line of standard input.")
    var passwordStdin = false

    func run() async throws {
        let (client, configuration) = try connection.configuredPlatform()
        let email = try email ?? SecretInput.ask("Email: ", hint: "pass --email")
        let name = try name ?? SecretInput.ask("Name: ", hint: "pass --name")
        let password: String
        if passwordStdin {
            password = SecretInput.firstLineOfStandardInput()
        } else {
            password = try SecretInput.prompt("Password: ", hint: "pipe the password with --password-stdin")
            let again = try SecretInput.prompt("Password again: ", hint: "pipe the password with --password-stdin")
            guard again == password else { throw CommandRefusal("the two passwords differ; nothing was created") }
        }
        guard !email.isEmpty, !password.isEmpty, !name.isEmpty else { throw ValidationError("an email, a name and a password are needed") }
        let auth = try await client.signup(email: email, password: password, displayName: name)
        try SessionTokenStore(directory: configuration.directory).save(token: auth.token, for: client.baseURL)
        let out = TerminalOutput()
        if output.json {
            try out.json(auth.account)
        } else {
            out.line("Welcome, \(TerminalOutput.clean(auth.account.displayName)): signed up and signed in to \(client.baseURL) as <\(TerminalOutput.clean(auth.account.email))>.")
        }
    }
}

/// A command that understood its arguments but will not do what was asked (exit 1, no usage text): the
/// usage trailer is for calls that were wrong, not for refusals.
struct CommandRefusal: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// `techflunky logout`: revokes the session on the server and removes it from the token file.
struct LogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logout", abstract: "Sign out and forget the saved session.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let (client, configuration) = try connection.configuredPlatform()
        var serverError: ClientError?
        if client.token != nil {
            do { try await client.logout() } catch let error as ClientError {
                // An expired session is as good as revoked; anything else is worth saying, but the
                // local copy is removed either way.
                if case .signedOut = error {} else { serverError = error }
            }
        }
        let removed = try SessionTokenStore(directory: configuration.directory).remove(for: client.baseURL)
        let out = TerminalOutput()
        out.line(removed ? "Signed out of \(client.baseURL)." : "No saved session for \(client.baseURL).")
        if configuration.tokenFromEnvironment {
            TerminalOutput.note("note: TECHFLUNKY_TOKEN is still set in your environment")
        }
        if let serverError { throw serverError }
    }
}

/// `techflunky whoami`
struct WhoamiCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "whoami", abstract: "Show the signed-in account.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await connection.withClient(signedIn: true) { client in try await show(client) }
    }

    private func show(_ client: PlatformClient) async throws {
        let me = try await client.me()
        let out = TerminalOutput()
        if output.json { return try out.json(me) }
        var rows: [(String, String)] = [
            ("Name", me.account.displayName),
            ("Email", me.account.email),
            ("Account", me.account.id),
            ("Platform", client.baseURL + (me.sandbox ? " (sandbox)" : "")),
        ]
        if let seller = me.seller {
            rows.append(("Seller", seller.onboardingComplete ? "onboarded (\(seller.stripeAccountId ?? "—"))" : "onboarding incomplete — run `techflunky seller onboard`"))
        } else {
            rows.append(("Seller", "not set up — run `techflunky seller onboard` to sell"))
        }
        out.fields(rows)
    }
}
