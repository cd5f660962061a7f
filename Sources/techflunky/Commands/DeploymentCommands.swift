import ArgumentParser
import Foundation
import TechFlunkyClient
import TechFlunkyCore

/// `techflunky deploy ORDER --account-id ID [--domain D]`
struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Deploy a paid order into your Cloudflare account.",
        discussion: """
            The Cloudflare API token comes from CLOUDFLARE_API_TOKEN, from the first line of standard input with \
            --token-stdin, or from a prompt that does not echo — never from a flag, which `ps` would show. The \
            platform holds it in memory for this run only.
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The order id (see `techflunky orders`).", completion: CompletionCandidates.completion(.orders)) var order: String
    @Option(name: .long, help: "Your Cloudflare account id.") var accountId: String
    @Option(name: .long, help: "A custom domain (default: a workers.dev subdomain).") var domain: String?
    @Flag(name: .long, help: "Read the Cloudflare API token from the first line of standard input.") var tokenStdin = false
    @Flag(name: .long, help: "Follow the deployment until it ends (exit codes as `watch`).") var watch = false

    func run() async throws {
        let token = try CloudflareToken.read(fromStandardInput: tokenStdin)
        let account = try CloudflareToken.checked(DeployRequestValidator.accountId(accountId))
        let host = try CloudflareToken.checked(DeployRequestValidator.domain(domain))
        let request = DeployRequest(orderId: order, cloudflare: CloudflareCredentials(accountId: account, apiToken: token), domain: host)
        let code = try await connection.withClient(signedIn: true) { client in try await deploy(client, request) }
        if code != .success { throw code }
    }

    private func deploy(_ client: PlatformClient, _ request: DeployRequest) async throws -> ExitCode {
        let accepted = try await client.deploy(request)
        let out = TerminalOutput()
        if output.json && !watch {
            try out.json(accepted)
            return .success
        }
        if !output.json {
            out.line("Deployment \(TerminalOutput.clean(accepted.deploymentId)) \(accepted.state.rawValue).")
            if !watch { out.line("Follow it with: techflunky watch \(TerminalOutput.clean(accepted.deploymentId))") }
        }
        guard watch else { return .success }
        return try await DeploymentProgressPrinter(json: output.json).follow(client: client, deploymentId: accepted.deploymentId)
    }
}

/// The Cloudflare part of a deploy, retry or rollback, read and checked here as the deploy form and the platform
/// check it (Core's `DeployRequestValidator`), so a mistake is a usage error before anything is sent.
enum CloudflareToken {
    static func read(fromStandardInput: Bool) throws -> CloudflareAPIToken {
        let token: String
        if fromStandardInput {
            token = SecretInput.firstLineOfStandardInput()
        } else if let env = ProcessInfo.processInfo.environment["CLOUDFLARE_API_TOKEN"], !env.isEmpty {
            token = env
        } else {
            token = try SecretInput.prompt("Cloudflare API token: ", hint: "set CLOUDFLARE_API_TOKEN or pipe it with --token-stdin")
        }
        let trimmed = token.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw ValidationError("the Cloudflare API token is empty") }
        return try checked(DeployRequestValidator.apiToken(trimmed))
    }

    /// The checked value, or a usage error naming the option.
    static func checked<T>(_ result: Result<T, DeployRequestValidator.Problem>) throws -> T {
        try result.mapError { problem in
            let option = switch problem.field {
            case .accountId: "--account-id"
            case .apiToken: "the Cloudflare API token"
            case .domain: "--domain"
            }
            return ValidationError("\(option): \(problem.message)")
        }.get()
    }
}

/// `techflunky watch DEPLOYMENT`
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow a deployment's progress until it ends.",
        discussion: """
            Prints each step as it runs (NDJSON events with --json). Reconnects by itself if the connection \
            drops, without repeating or skipping an event; gives up when the platform stays unreachable for \
            --timeout seconds (default 60). Exit codes: 0 succeeded, 1 failed, rolled back or unreachable, \
            2 usage, 3 interrupted (retry with the token again).
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The deployment id.", completion: CompletionCandidates.completion(.deployments)) var deployment: String
    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("Give up (exit 1) when the platform stays unreachable this long.", valueName: "seconds"))
    var timeout: Double = DeploymentProgressPrinter.defaultTimeout

    func validate() throws {
        guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    func run() async throws {
        let code = try await connection.withClient(signedIn: true) { client in
            try await DeploymentProgressPrinter(json: output.json, giveUpAfter: timeout).follow(client: client, deploymentId: deployment)
        }
        if code != .success { throw code }
    }
}

/// `techflunky retry DEPLOYMENT`: resume a failed or interrupted deployment with the token again.
struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Resume a failed or interrupted deployment from where it stopped.",
        discussion: "The token is read as for deploy (CLOUDFLARE_API_TOKEN, --token-stdin, or a prompt), never from a flag."
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The deployment id.", completion: CompletionCandidates.completion(.deployments)) var deployment: String
    @Option(name: .long, help: "A corrected account id (while the deployment has created nothing).") var accountId: String?
    @Option(name: .long, help: "A corrected custom domain; \"\" for workers.dev (while it holds no domain of its own).") var domain: String?
    @Flag(name: .long, help: "Read the Cloudflare API token from the first line of standard input.") var tokenStdin = false
    @Flag(name: .long, help: "Follow the deployment until it ends (exit codes as `watch`).") var watch = false

    func run() async throws {
        let token = try CloudflareToken.read(fromStandardInput: tokenStdin)
        let correctedAccount = try accountId.map { try CloudflareToken.checked(DeployRequestValidator.accountId($0)) }
        // `--domain ""` stays "": back to workers.dev.
        let correctedDomain = try domain.map { try CloudflareToken.checked(DeployRequestValidator.domain($0)) ?? "" }
        let code = try await connection.withClient(signedIn: true) { client -> ExitCode in
            let snapshot = try await client.deployment(id: deployment)
            let credentials = CloudflareCredentials(accountId: correctedAccount ?? snapshot.accountId, apiToken: token)
            let accepted = try await client.retryDeployment(id: deployment, cloudflare: credentials, domain: correctedDomain)
            return try await DeploymentProgressPrinter(json: output.json).announce(accepted, verb: "resumed", watch: watch, client: client)
        }
        if code != .success { throw code }
    }
}

/// `techflunky rollback DEPLOYMENT`: remove what a deployment created.
struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Remove what a deployment created in your Cloudflare account, newest first.",
        discussion: """
            Of an update, it also serves each Worker the update switched at its previous version again; D1 migrations \
            the update applied are not reversed. Asks for confirmation at a terminal unless --yes. The token is read as \
            for deploy, never from a flag.
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The deployment id.", completion: CompletionCandidates.completion(.deployments)) var deployment: String
    @Flag(name: .long, help: "Read the Cloudflare API token from the first line of standard input.") var tokenStdin = false
    @Flag(name: .shortAndLong, help: "Don't ask for confirmation.") var yes = false
    @Flag(name: .long, help: "Follow the rollback until it ends.") var watch = false

    func run() async throws {
        if !yes {
            guard isatty(STDIN_FILENO) != 0, !tokenStdin else {
                throw CommandRefusal("refusing to roll back \(deployment) without --yes when not asked at a terminal")
            }
            FileHandle.standardError.write(Data("Remove what deployment \(deployment) created in your Cloudflare account? [y/N] ".utf8))
            guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                TerminalOutput.note("kept")
                return
            }
        }
        let token = try CloudflareToken.read(fromStandardInput: tokenStdin)
        let code = try await connection.withClient(signedIn: true) { client -> ExitCode in
            let snapshot = try await client.deployment(id: deployment)
            let accepted = try await client.rollbackDeployment(id: deployment, cloudflare: CloudflareCredentials(accountId: snapshot.accountId, apiToken: token))
            return try await DeploymentProgressPrinter(json: output.json).announce(accepted, verb: "rolling back", watch: watch, client: client,
                                                                                  rollingBack: true)
        }
        if code != .success { throw code }
    }
}

/// `techflunky secrets DEPLOYMENT`: the secrets a deployment generated, shown once.
struct SecretsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secrets",
        abstract: "Show, once, the secrets a deployment generated (admin password, signing keys).",
        discussion: """
            The platform keeps no copy: it hands them over once and forgets them, so store them now (a password \
            manager). `watch` never prints them, so they do not end up in a CI log. A second call fails with \
            what to do instead (set new values in the Cloudflare dashboard).
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The deployment id.", completion: CompletionCandidates.completion(.deployments)) var deployment: String

    func run() async throws {
        try await connection.withClient(signedIn: true) { client in
            let answer = try await client.revealDeploymentSecrets(id: deployment)
            let out = TerminalOutput()
            if output.json { return try out.json(answer) }
            if answer.secrets.isEmpty { return out.line(TerminalOutput.clean(answer.note)) }
            let width = answer.secrets.map { TerminalOutput.clean("\($0.worker)/\($0.name)").count }.max() ?? 0
            for secret in answer.secrets {
                let name = TerminalOutput.clean("\(secret.worker)/\(secret.name)")
                out.line(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + TerminalOutput.clean(secret.value))
            }
            out.line(out.paint(TerminalOutput.clean(answer.note), .dim))
        }
    }
}

/// Prints a deployment's events as they arrive and turns its final state into the exit code.
struct DeploymentProgressPrinter {
    /// Seconds without a connection before `watch` gives up: long enough for a server restart, short enough that a
    /// script waiting on a platform that is gone fails.
    static let defaultTimeout: Double = 60

    let json: Bool
    var giveUpAfter: Double = defaultTimeout
    let out = TerminalOutput()

    /// Says a retry or rollback was accepted and, with `watch`, follows it from the next event.
    func announce(_ accepted: DeployAccepted, verb: String, watch: Bool, client: PlatformClient, rollingBack: Bool = false) async throws -> ExitCode {
        if !watch {
            if json { try out.json(accepted) } else {
                out.line("Deployment \(TerminalOutput.clean(accepted.deploymentId)) \(verb).")
                out.line("Follow it with: techflunky watch \(TerminalOutput.clean(accepted.deploymentId))")
            }
            return .success
        }
        let code = try await follow(client: client, deploymentId: accepted.deploymentId)
        // A rollback ends `rolled_back`, which `follow` counts as not succeeded.
        if rollingBack, let snapshot = try? await client.deployment(id: accepted.deploymentId), snapshot.state == .rolledBack { return .success }
        return code
    }

    /// Follows the stream to its end; returns the exit code to throw (0 succeeded, 1 failed, 3 interrupted).
    /// Throws `ClientError.cannotReach` (exit 1) when the platform stays unreachable for `giveUpAfter` seconds.
    func follow(client: PlatformClient, deploymentId: String) async throws -> ExitCode {
        var finalState: DeploymentState?
        for try await update in client.deploymentEvents(id: deploymentId, options: .init(giveUpAfter: giveUpAfter)) {
            switch update {
            case let .event(event):
                if json { try out.json(event, pretty: false) } else { print(event) }
                if event.isFinal { finalState = event.state }
            case let .reconnecting(since, _, reason):
                TerminalOutput.note("reconnecting… (unreachable since \(TerminalOutput.date(since)): \(TerminalOutput.clean(reason)))")
            case .reconnected:
                TerminalOutput.note("reconnected")
            case let .resynchronized(snapshot):
                if !json { out.line(out.paint("(resynchronised: deployment \(snapshot.state.rawValue))", .dim)) }
                if snapshot.state.isFinal { finalState = snapshot.state }
            }
        }
        if finalState == .succeeded, !json {
            // Never printed here (a log of `watch` would keep them): only named, with how to see them once.
            if let snapshot = try? await client.deployment(id: deploymentId),
               snapshot.resources.contains(where: { $0.kind == "worker_secret" && $0.created }) {
                out.line(out.paint("Secrets were generated for this deployment; show them once with: techflunky secrets \(TerminalOutput.clean(deploymentId))", .yellow))
            }
        }
        switch finalState {
        case .succeeded: return .success
        case .interrupted: return ExitCode(3)
        default: return .failure
        }
    }

    private func print(_ event: DeploymentEvent) {
        let stepLabel = event.step.map { "[\($0.number)/\(DeploymentStepKind.allCases.count)] \($0.title)" } ?? ""
        switch event.kind {
        case .deployment:
            let state = event.state?.rawValue ?? "?"
            let tone: TerminalOutput.Tone = event.state == .succeeded ? .green : (event.state == .failed || event.state == .interrupted ? .red : .bold)
            var text = out.paint("deployment \(state)", tone)
            if let url = event.url { text += "  " + out.paint(TerminalOutput.clean(url), .cyan) }
            if let message = event.message { text += "  " + TerminalOutput.clean(message) }
            out.line(text)
        case .step:
            let state = event.stepState ?? .pending
            let (mark, tone): (String, TerminalOutput.Tone) = switch state {
            case .running: ("…", .yellow)
            case .waiting: ("◷", .yellow)
            case .succeeded: ("✓", .green)
            case .failed: ("✗", .red)
            case .skipped: ("-", .dim)
            case .pending: (" ", .dim)
            }
            var text = out.paint(mark, tone) + " " + stepLabel + " " + out.paint(state.rawValue, tone)
            if let message = event.message, message != event.step?.title { text += ": " + TerminalOutput.clean(message) }
            if let code = event.errorCode { text += " (Cloudflare error \(code))" }
            out.line(text)
        case .log:
            out.line("    " + out.paint(TerminalOutput.clean(event.message), .dim))
        case .resource:
            if let resource = event.resource {
                if resource.isWorkerVersion, let message = event.message {
                    out.line("    " + TerminalOutput.clean(message))
                } else {
                    let verb = event.removesResource ? (resource.created ? "removed" : "let go of") : (resource.created ? "created" : "adopted")
                    out.line("    \(verb) \(TerminalOutput.clean(resource.kind)) \(TerminalOutput.clean(resource.name))")
                }
            }
        }
    }
}
