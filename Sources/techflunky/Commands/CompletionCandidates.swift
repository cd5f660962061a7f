import ArgumentParser
import Foundation
import TechFlunkyClient
import TechFlunkyCore

/// Dynamic shell completions: listing slugs, order ids and deployment ids, asked of the platform when the shell
/// completes an argument that takes one (`techflunky show <Tab>`, `watch <Tab>`).
///
/// The generated bash/zsh/fish scripts run the binary itself (argument-parser's `---completion`, or the hidden
/// `techflunky __complete KIND` for scripts of your own), which calls `ids(_:words:prefix:)`. A Tab must never
/// hang the shell or start anything: the answer comes within `timeout` or not at all; the local sandbox is asked
/// only when its daemon already runs (a Tab does not start one); any failure prints nothing. What is printed is
/// only ids and slugs made of `[A-Za-z0-9._-]` — a hostile slug or id from a platform is dropped, never
/// printed into the shell's completion list.
enum CompletionCandidates {
    enum Kind: String, CaseIterable, ExpressibleByArgument, Sendable {
        case listings, orders, deployments
    }

    /// How long a completion may take (the shell waits for it).
    static let timeout: Duration = .milliseconds(1500)

    /// The completion of an argument of this kind, for `@Argument(completion:)`.
    static func completion(_ kind: Kind) -> CompletionKind {
        .custom { words, _, prefix in await ids(kind, words: words, prefix: prefix) }
    }

    /// Candidates starting with `prefix`; `words` is the command line so far (its `--api URL` is honoured).
    static func ids(_ kind: Kind, words: [String], prefix: String,
                    environment: [String: String] = ProcessInfo.processInfo.environment) async -> [String] {
        let api = apiFlag(in: words)
        let all = await withTaskGroup(of: [String]?.self) { group in
            group.addTask { try? await fetch(kind, api: api, environment: environment) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? []
        }
        var seen = Set<String>()
        return all.filter { isSafe($0) && $0.hasPrefix(prefix) && seen.insert($0).inserted }
    }

    /// What a completion list may hold: ids and slugs only (no spaces, quotes, controls or shell syntax).
    static func isSafe(_ candidate: String) -> Bool {
        !candidate.isEmpty && candidate.utf8.count <= 128 && !candidate.hasPrefix("-")
            && candidate.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) }
    }

    /// The value of `--api URL` or `--api=URL` on the command line being completed.
    static func apiFlag(in words: [String]) -> String? {
        for (i, word) in words.enumerated() {
            if word == "--api", i + 1 < words.count { return words[i + 1] }
            if word.hasPrefix("--api=") { return String(word.dropFirst("--api=".count)) }
        }
        return nil
    }

    private static func fetch(_ kind: Kind, api: String?, environment: [String: String]) async throws -> [String] {
        guard let client = try await client(api: api, environment: environment) else { return [] }
        switch kind {
        case .listings:
            return try await client.listings(ListingQuery(limit: ListingQuery.maxLimit)).items.map(\.slug)
        case .orders:
            return try await client.orders().map(\.id)
        case .deployments:
            // Newest first, as a person most often wants the one they just started.
            return try await client.orders().flatMap(\.deployments).sorted { $0.createdAt > $1.createdAt }.map(\.id)
        }
    }

    /// A client for the configured platform, or for the local sandbox's daemon when one already runs; nil otherwise.
    private static func client(api: String?, environment: [String: String]) async throws -> PlatformClient? {
        let configuration = try ClientConfiguration.resolve(apiFlag: api, environment: environment)
        if let url = configuration.apiURL {
            return PlatformClient(baseURL: url, token: configuration.token, transport: ConnectionOptions.sharedTransport)
        }
        let directory = LocalSandboxDirectory(url: EmbeddedMarketplace.defaultDataDirectory(environment: environment))
        guard case let .running(state) = await directory.discover(answers: SandboxLauncher.answers) else { return nil }
        let client = PlatformClient(baseURL: state.apiURL, transport: ConnectionOptions.sharedTransport)
        if let token = configuration.token { client.token = token } else { _ = try await EmbeddedMarketplace.signInDemo(client) }
        return client
    }
}

/// `techflunky __complete listings|orders|deployments [PREFIX]` (hidden): the candidates a shell completion offers,
/// one a line; nothing (and exit 0) when the platform cannot be asked in time.
struct CompleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "__complete", abstract: "Completion candidates (for shell completion scripts).",
                                                    shouldDisplay: false)

    @Option(name: .long, help: ArgumentHelp("The platform's base URL.", valueName: "url")) var api: String?
    @Argument(help: "What to complete: listings, orders or deployments.") var kind: CompletionCandidates.Kind
    @Argument(help: "Only candidates starting with this.") var prefix: String = ""

    func run() async throws {
        let words = api.map { ["techflunky", "--api", $0] } ?? ["techflunky"]
        for id in await CompletionCandidates.ids(kind, words: words, prefix: prefix) { print(id) }
    }
}
