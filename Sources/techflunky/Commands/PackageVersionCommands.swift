import ArgumentParser
import Foundation
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyText

/// `techflunky package release DIR --notes …`: a new version of a listing's package, as `gh release create` makes
/// a release: the version is the one in DIR's techflunky.json, the notes are the changelog buyers see.
struct PackageReleaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Publish a new version of your listing's package (the version in techflunky.json) with a changelog.",
        discussion: """
            The listing is the one with techflunky.json's slug; its version must be above the current one. Buyers who \
            deployed an earlier version see "update available" and deploy it with `techflunky update`. The package is \
            checked here first; nothing is uploaded while it has problems. Exit codes: 0 published, 1 refused, 2 usage.
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The package directory.", completion: .directory) var directory: String
    @Option(name: [.short, .long], help: "The changelog: what changed in this version.") var notes: String?
    @Option(name: [.customShort("F"), .long], help: "Read the changelog from a file (\"-\" for standard input).", completion: .file())
    var notesFile: String?

    func validate() throws {
        if notes == nil && notesFile == nil { throw ValidationError("give the changelog with --notes TEXT or --notes-file FILE") }
        if notes != nil && notesFile != nil { throw ValidationError("give --notes or --notes-file, not both") }
    }

    func run() async throws {
        let changelog = try readNotes().trimmingCharacters(in: .whitespacesAndNewlines)
        guard !changelog.isEmpty else { throw CommandRefusal("the changelog is empty: say what changed in this version") }
        let reader = PackageBundleReader(directory: directory)
        let out = TerminalOutput()
        let problems = try reader.problems()
        guard problems.isEmpty else {
            out.line(out.paint("✗", .red) + " \(directory): \(problems.count) problem\(problems.count == 1 ? "" : "s"); nothing was uploaded")
            for problem in problems {
                out.line("  " + out.paint(problem.path.isEmpty ? "(document)" : TextSanitizer.line(problem.path), .bold) + ": " + TextSanitizer.line(problem.message))
            }
            throw ExitCode.failure
        }
        let manifest = try reader.manifest()
        let bundle = try reader.packageBundle()
        let listing: Listing = try await connection.withClient(signedIn: true) { client in
            do {
                return try await client.publishVersion(slug: manifest.slug, PublishVersionRequest(changelog: changelog, bundle: bundle))
            } catch let ClientError.rejected(status, detail) where !(detail.problems ?? []).isEmpty {
                out.line(out.paint("✗", .red) + " the platform refused the package (HTTP \(status)): \(TextSanitizer.line(detail.message))")
                for problem in detail.problems ?? [] {
                    out.line("  " + out.paint(TextSanitizer.line(problem.path), .bold) + ": " + TextSanitizer.line(problem.message))
                }
                throw ExitCode.failure
            }
        }
        if output.json { return try out.json(listing) }
        out.line(out.paint("✓", .green) + " Released \(TerminalOutput.clean(listing.summary.slug)) \(TerminalOutput.clean(listing.package.version)).")
        out.line("Buyers who deployed an earlier version can now run: techflunky update ORDER")
    }

    private func readNotes() throws -> String {
        if let notes { return notes }
        guard let notesFile else { return "" }
        if notesFile == "-" {
            return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        }
        guard let data = FileManager.default.contents(atPath: notesFile) else { throw CommandRefusal("cannot read \(notesFile)") }
        return String(decoding: data, as: UTF8.self)
    }
}

/// `techflunky package versions SLUG`: a listing's versions, newest first, with their changelogs.
struct PackageVersionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "versions", abstract: "A listing's package versions and their changelogs, newest first.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The listing's slug.") var slug: String

    func run() async throws {
        let response = try await connection.withClient(signedIn: false) { try await $0.packageVersions(slug: slug) }
        let out = TerminalOutput()
        if output.json { return try out.json(response) }
        out.table([.init(title: "VERSION", maxWidth: nil), .init(title: "PUBLISHED", maxWidth: nil), .init(title: "CHANGES", maxWidth: 80)],
                  response.versions.map { v in
                      let marker = v.version == response.current ? " (current)" : ""
                      let firstLine = v.changelog.split(whereSeparator: \.isNewline).first.map(String.init) ?? "—"
                      return [v.version + marker, TerminalOutput.date(v.publishedAt), firstLine]
                  })
    }
}

/// `techflunky update ORDER|DEPLOYMENT`: deploy the listing's newer version into the account of the live deployment.
struct UpdateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Deploy the newer version of a business you bought over its live deployment.",
        discussion: """
            Changed Workers are uploaded as new Worker versions and switched over together; only migrations the D1 \
            database has not applied run; new buckets, records and secrets are added; your data is not touched. If a \
            step fails, the Workers serve their previous version again. The token is read as for deploy \
            (CLOUDFLARE_API_TOKEN, --token-stdin, or a prompt), never from a flag. Exit codes as for `watch`.
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The order (ord_…) or its live deployment (dep_…).") var target: String
    @Flag(name: .long, help: "Read the Cloudflare API token from the first line of standard input.") var tokenStdin = false
    @Flag(name: .long, help: "Follow the update until it ends.") var watch = false

    func run() async throws {
        let token = try CloudflareToken.read(fromStandardInput: tokenStdin)
        let code = try await connection.withClient(signedIn: true) { client -> ExitCode in
            var deploymentId = target
            if target.hasPrefix("ord_") {
                let order = try await client.order(id: target)
                guard let live = order.liveDeployment else {
                    throw CommandRefusal("\(target) has no live deployment to update; deploy it first with `techflunky deploy \(target)`")
                }
                guard order.updateAvailable else {
                    throw CommandRefusal("\(target) runs \(order.deployedVersion ?? "an unknown version"), the latest is \(order.latestVersion ?? "unknown"); there is no update")
                }
                deploymentId = live.id
            }
            let snapshot = try await client.deployment(id: deploymentId)
            let accepted = try await client.updateDeployment(id: deploymentId, cloudflare: CloudflareCredentials(accountId: snapshot.accountId, apiToken: token))
            return try await DeploymentProgressPrinter(json: output.json).announce(accepted, verb: "updating", watch: watch, client: client)
        }
        if code != .success { throw code }
    }
}

extension PackageBundleReader {
    /// Every file of the directory as a bundle (listing.json and dot files left out), within the upload limits.
    func packageBundle() throws -> PackageBundle { try PackageDirectory.bundle(at: directory) }
}
