import ArgumentParser
import Foundation
import TechFlunkyClient
import TechFlunkyCore
import TechFlunkyText

/// `techflunky package validate DIR` and `techflunky package publish DIR`.
struct PackageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "package", abstract: "Check and publish a business package.",
                                                    subcommands: [PackageValidateCommand.self, PackagePublishCommand.self,
                                                                  PackageReleaseCommand.self, PackageVersionsCommand.self])
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
            nothing is uploaded while it has problems (exit 1). With --update, replaces your existing listing.
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The package directory.", completion: .directory) var directory: String
    @Flag(name: .long, help: "Update your existing listing with this slug instead of creating one.") var update = false

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
        let upload = try bundle.upload()
        try await connection.withClient(signedIn: true) { client in try await publish(upload, bundle: bundle, client: client) }
    }

    private func publish(_ upload: ListingUploadRequest, bundle: PackageBundleReader, client: PlatformClient) async throws {
        let out = TerminalOutput()
        let listing: Listing
        do {
            listing = update ? try await client.updateListing(slug: try bundle.manifest().slug, upload) : try await client.publishListing(upload)
        } catch let ClientError.rejected(status, detail) where !(detail.problems ?? []).isEmpty {
            out.line(out.paint("✗", .red) + " the platform refused the package (HTTP \(status)): \(TextSanitizer.line(detail.message))")
            for problem in detail.problems ?? [] {
                out.line("  " + out.paint(TextSanitizer.line(problem.path), .bold) + ": " + TextSanitizer.line(problem.message))
            }
            throw ExitCode.failure
        }
        if output.json { return try out.json(listing) }
        out.line(out.paint("✓", .green) + " \(update ? "Updated" : "Published") \(TerminalOutput.clean(listing.summary.title)) as \(TerminalOutput.clean(listing.summary.slug)) at \(listing.summary.askingPrice.formatted).")
        out.line("See it with: techflunky show \(TerminalOutput.clean(listing.summary.slug))")
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
        let manifest: PackageManifest
        do {
            manifest = try PackageManifestValidator.decode(data)
        } catch {
            return error.problems
        }
        let today = Self.today()
        var problems = PackageManifestValidator(today: today).validate(manifest, bundleFiles: try files())
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
        let paths = try files().filter { $0 != "listing.json" && !$0.split(separator: "/").contains { $0.hasPrefix(".") } }.sorted()
        guard paths.count <= PackageBundle.maxFiles else {
            throw ClientError.configuration("\(directory) has \(paths.count) files; a package may have at most \(PackageBundle.maxFiles)")
        }
        var files: [BundleFile] = []
        var total = 0
        for path in paths {
            guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path) else {
                throw ClientError.configuration("cannot read \(path) in \(directory)")
            }
            total += data.count
            guard total <= PackageBundle.maxTotalBytes else {
                throw ClientError.configuration("\(directory) is larger than \(PackageBundle.maxTotalBytes / 1_048_576) MiB, the most a package may be")
            }
            files.append(BundleFile(path: path, content: data))
        }
        return ListingUploadRequest(listing: listing, bundle: PackageBundle(files: files))
    }

    /// Today's date in UTC, `2026-12-05`.
    static func today() -> String { DisplayFormat.day(Date()) }
}
