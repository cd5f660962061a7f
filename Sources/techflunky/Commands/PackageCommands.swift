import ArgumentParser
import Foundation
import TechFlunkyArchive
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyText

/// `techflunky package init NAME`, `validate DIR`, `publish DIR` and `go-live SLUG`. The format: docs/packages.md.
struct PackageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "package", abstract: "Start, check and publish a business package.",
                                                    subcommands: [PackageInitCommand.self, PackageValidateCommand.self, PackagePublishCommand.self,
                                                                  PackageGoLiveCommand.self, PackageReleaseCommand.self,
                                                                  PackageVersionsCommand.self])
}

struct PackageInitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a new package that validates and deploys as it is: a Worker with a D1 database and an R2 bucket, a first migration, assets and listing.json.",
        discussion: "Never overwrites anything: refuses a directory that exists and is not empty. Exit codes: 0 written, 1 refused, 2 usage."
    )

    @Argument(help: "The business's name (the directory and slug are made from it).") var name: String
    @Option(name: .long, help: "The directory to write (default: ./SLUG).", completion: .directory) var directory: String?
    @Option(name: .long, help: "The listing's slug (default: made from NAME, `My Shop` → my-shop).") var slug: String?

    func run() async throws {
        let template: PackageTemplate
        do {
            template = try PackageTemplate(name: name, slug: slug)
        } catch {
            throw CommandFailure(error.problems.map { "\($0.path): \($0.message)" }.joined(separator: "\n"))
        }
        let target = directory ?? template.slug
        let root = URL(fileURLWithPath: target, isDirectory: true).standardizedFileURL
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: root.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw CommandFailure("\(target) exists and is not a directory; choose another with --directory") }
            let entries = (try? fm.contentsOfDirectory(atPath: root.path)) ?? []
            guard entries.isEmpty else {
                throw CommandFailure("\(target) is not empty (\(entries.count) entr\(entries.count == 1 ? "y" : "ies")); init never overwrites files: choose a new directory with --directory")
            }
        }
        let files = try template.files()
        do {
            try fm.createDirectory(at: root, withIntermediateDirectories: true)
            for file in files {
                let url = root.appendingPathComponent(file.path)
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try file.contents.write(to: url, options: .withoutOverwriting)
            }
        } catch {
            throw CommandFailure("could not write the package in \(target): \(error.localizedDescription)")
        }
        let out = TerminalOutput()
        out.line(out.paint("✓", .green) + " Created \(TextSanitizer.line(target))/ for \(TextSanitizer.line(template.name)) (slug \(template.slug)):")
        for file in files { out.line("    " + file.path) }
        out.line()
        out.line("Next: edit listing.json (title, price, metrics) and the Worker, then")
        out.line("    techflunky package validate \(TextSanitizer.line(target))")
        out.line("    techflunky package publish \(TextSanitizer.line(target))      (--draft before Stripe onboarding is finished)")
        out.line("The format, field by field: docs/packages.md.")
    }
}

/// What `package validate --json` prints.
struct PackageValidationReport: Codable {
    var directory: String
    var valid: Bool
    var problems: [ManifestProblem]
}

struct PackageValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a package directory's techflunky.json and files; print every problem with its path.",
        discussion: "Exit codes: 0 valid, 1 problems found (or the directory cannot be read), 2 usage."
    )

    @OptionGroup var output: OutputOptions
    @Argument(help: "The package directory (holding techflunky.json).", completion: .directory) var directory: String

    func run() async throws {
        let bundle = PackageBundleReader(directory: directory)
        let problems = try bundle.problems()
        let out = TerminalOutput()
        if output.json {
            try out.json(PackageValidationReport(directory: directory, valid: problems.isEmpty, problems: problems))
        } else if problems.isEmpty {
            out.line(out.paint("✓", .green) + " \(directory): the package is valid")
        } else {
            out.line(out.paint("✗", .red) + " \(directory): \(problems.count) problem\(problems.count == 1 ? "" : "s")")
            for problem in problems {
                out.line("  " + out.paint(problem.path.isEmpty ? "(document)" : TextSanitizer.line(problem.path), .bold) + ": " + TextSanitizer.line(problem.message))
            }
        }
        if !problems.isEmpty { throw ExitCode.failure }
    }
}

struct PackagePublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish a package directory as a listing (listing.json for the text, techflunky.json for the package).",
        discussion: """
            The directory holds techflunky.json, every file it names, and listing.json with the listing's title, \
            tagline, description, category, askingPrice, monthlyRevenue, monthlyProfit ({"amount": minor units, \
            "currency": "USD"}), ageMonths, techStack and monthlyVisitors. The package is checked here first; \
            nothing is uploaded while it has problems (exit 1). It is uploaded as one .tar.gz (at most 20 MiB). \
            A listing goes live only once your Stripe onboarding is finished (techflunky seller onboard); before that, \
            --draft keeps it as a draft only you see, made live later with `techflunky package go-live SLUG`. \
            With --update, replaces your existing listing's text and package.
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The package directory.", completion: .directory) var directory: String
    @Flag(name: .long, help: "Update your existing listing with this slug instead of creating one.") var update = false
    @Flag(name: .long, help: "Publish as a draft: only you see it, nobody can buy it, until `techflunky package go-live SLUG`.") var draft = false

    func validate() throws {
        if update && draft { throw ValidationError("--draft is for a new listing; an update keeps the listing's state") }
    }

    func run() async throws {
        let bundle = PackageBundleReader(directory: directory)
        let problems = try bundle.problems()
        let out = TerminalOutput()
        guard problems.isEmpty else {
            out.line(out.paint("✗", .red) + " \(directory): \(problems.count) problem\(problems.count == 1 ? "" : "s"); nothing was uploaded")
            for problem in problems {
                out.line("  " + out.paint(problem.path.isEmpty ? "(document)" : TextSanitizer.line(problem.path), .bold) + ": " + TextSanitizer.line(problem.message))
            }
            throw ExitCode.failure
        }
        let archive = try bundle.archive()
        try await connection.withClient(signedIn: true) { client in try await publish(archive, bundle: bundle, client: client) }
    }

    private func publish(_ archive: Data, bundle: PackageBundleReader, client: PlatformClient) async throws {
        let out = TerminalOutput()
        let listing: Listing
        do {
            listing = update ? try await client.updateListing(slug: try bundle.manifest().slug, archive: archive)
                : try await client.publishListing(archive: archive, draft: draft)
        } catch let ClientError.rejected(status, detail) where detail.code == APIErrorCode.payoutsRequired {
            out.line(out.paint("✗", .red) + " not published (HTTP \(status)): \(TextSanitizer.line(detail.message))")
            out.line("  Finish onboarding:   techflunky seller onboard")
            out.line("  Or keep it as a draft now:   techflunky package publish \(TextSanitizer.line(directory)) --draft")
            throw ExitCode.failure
        } catch let ClientError.rejected(status, detail) where !(detail.problems ?? []).isEmpty {
            out.line(out.paint("✗", .red) + " the platform refused the package (HTTP \(status)): \(TextSanitizer.line(detail.message))")
            for problem in detail.problems ?? [] {
                out.line("  " + out.paint(TextSanitizer.line(problem.path), .bold) + ": " + TextSanitizer.line(problem.message))
            }
            throw ExitCode.failure
        }
        if output.json { return try out.json(listing) }
        let slug = TerminalOutput.clean(listing.summary.slug)
        if listing.status == .draft {
            out.line(out.paint("✓", .green) + " Saved \(TerminalOutput.clean(listing.summary.title)) as a draft, \(slug), at \(listing.summary.askingPrice.formatted): only you see it.")
            out.line("Make it live once Stripe onboarding is finished (techflunky seller onboard): techflunky package go-live \(slug)")
            return
        }
        out.line(out.paint("✓", .green) + " \(update ? "Updated" : "Published") \(TerminalOutput.clean(listing.summary.title)) as \(slug) at \(listing.summary.askingPrice.formatted).")
        out.line("See it with: techflunky show \(slug)")
    }
}

struct PackageGoLiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "go-live",
        abstract: "Make your draft listing live (needs your Stripe onboarding finished: techflunky seller onboard).",
        discussion: "Exit codes: 0 live, 1 refused (not your draft, or onboarding not finished), 2 usage."
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The draft's slug.") var slug: String

    func run() async throws {
        let out = TerminalOutput()
        let listing = try await connection.withClient(signedIn: true) { client -> Listing in
            do {
                return try await client.publishDraft(slug: slug)
            } catch let ClientError.rejected(status, detail) where detail.code == APIErrorCode.payoutsRequired {
                out.line(out.paint("✗", .red) + " still a draft (HTTP \(status)): \(TextSanitizer.line(detail.message))")
                out.line("  Finish onboarding:   techflunky seller onboard")
                throw ExitCode.failure
            }
        }
        if output.json { return try out.json(listing) }
        out.line(out.paint("✓", .green) + " \(TerminalOutput.clean(listing.summary.title)) is live at \(listing.summary.askingPrice.formatted). See it with: techflunky show \(TerminalOutput.clean(listing.summary.slug))")
    }
}

/// A package directory on disk: its manifest, its files, and the checks a seller can run before uploading.
struct PackageBundleReader {
    let directory: String

    var root: URL { URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL }

    /// Every file under the directory, as `/`-separated relative paths (what the manifest references).
    func files() throws -> Set<String> {
        let base = root.path.hasSuffix("/") ? root.path : root.path + "/"
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw ClientError.configuration("cannot read the directory \(directory)")
        }
        var paths: Set<String> = []
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let path = url.standardizedFileURL.path
            if path.hasPrefix(base) { paths.insert(String(path.dropFirst(base.count))) }
        }
        return paths
    }

    /// The manifest's problems, every one, checked against the files present.
    func problems() throws -> [ManifestProblem] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ClientError.configuration("\(directory) is not a directory")
        }
        let manifestURL = root.appendingPathComponent("techflunky.json")
        guard let data = FileManager.default.contents(atPath: manifestURL.path) else {
            return [ManifestProblem(path: "", message: "\(manifestURL.path) is missing: a package needs a techflunky.json at its root")]
        }
        // Every wrong type, missing key and broken rule in one run: the validator the platform's publish route uses.
        var problems = PackageManifestValidator(today: Self.today()).problems(in: data, bundleFiles: try files())
        let listingURL = root.appendingPathComponent("listing.json")
        if let listing = FileManager.default.contents(atPath: listingURL.path) {
            do {
                _ = try PackageManifestValidator.decode(PublishListingRequest.self, from: listing, file: "listing.json")
            } catch {
                for problem in error.problems {
                    problems.append(ManifestProblem(path: "listing.json" + (problem.path.isEmpty ? "" : ": " + problem.path), message: problem.message))
                }
            }
        }
        return problems
    }

    func manifest() throws -> PackageManifest {
        guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(PackageBundle.manifestPath).path) else {
            throw ClientError.configuration("\(directory) has no techflunky.json")
        }
        do { return try PackageManifestValidator.decode(data) } catch { throw ClientError.configuration(error.description) }
    }

    /// The upload: listing.json's text and metrics and every file of the directory (the limits checked here
    /// first, so an oversized package fails before it is sent).
    func upload() throws -> ListingUploadRequest {
        let listingURL = root.appendingPathComponent("listing.json")
        guard let listingData = FileManager.default.contents(atPath: listingURL.path) else {
            throw ClientError.configuration("\(listingURL.path) is missing: it holds the listing's title, description, price and metrics")
        }
        let listing: PublishListingRequest
        do {
            listing = try PackageManifestValidator.decode(PublishListingRequest.self, from: listingData, file: "listing.json")
        } catch {
            throw ClientError.configuration("\(listingURL.path): " + error.problems.map(\.description).joined(separator: "; "))
        }
        // The files as `package release` and the Selling tab read them: one reader, one set of limits.
        return ListingUploadRequest(listing: listing, bundle: try PackageDirectory.bundle(at: directory))
    }

    /// The upload: every file of the directory but hidden ones (`.git/`, `.DS_Store`), listing.json among them, as a
    /// `.tar.gz`. The limits are checked here first, so an oversized package fails before anything is sent.
    func archive() throws -> Data {
        let listingURL = root.appendingPathComponent("listing.json")
        guard FileManager.default.fileExists(atPath: listingURL.path) else {
            throw ClientError.configuration("\(listingURL.path) is missing: it holds the listing's title, description, price and metrics")
        }
        _ = try upload()  // listing.json decodes, and the count and size limits hold
        let paths = try files().filter { !$0.split(separator: "/").contains { $0.hasPrefix(".") } }.sorted()
        var files: [ArchiveFile] = []
        for path in paths {
            guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path) else {
                throw ClientError.configuration("cannot read \(path) in \(directory)")
            }
            files.append(ArchiveFile(path: path, contents: Array(data)))
        }
        let archive = try BundleArchive.make(files)
        guard archive.count <= PackageBundle.maxTotalBytes else {
            throw ClientError.configuration("\(directory) compresses to \(archive.count) bytes; an upload may be at most \(PackageBundle.maxTotalBytes / 1_048_576) MiB")
        }
        return Data(archive)
    }

    /// Today's date in UTC, `2026-12-05`.
    static func today() -> String { DisplayFormat.day(Date()) }
}
