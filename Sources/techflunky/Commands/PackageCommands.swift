import ArgumentParser
import Foundation
import TechFlunkyClient
import TechFlunkyCore

/// `techflunky package validate DIR` and `techflunky package publish DIR`.
struct PackageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "package", abstract: "Check and publish a business package.",
                                                    subcommands: [PackageValidateCommand.self])
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
                out.line("  " + out.paint(problem.path.isEmpty ? "(document)" : SafeText.sanitize(problem.path), .bold) + ": " + SafeText.sanitize(problem.message))
            }
        }
        if !problems.isEmpty { throw ExitCode.failure }
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
            throw ValidationError("cannot read the directory \(directory)")
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
                _ = try WireJSON.decode(PublishListingRequest.self, from: listing)
            } catch let error as DecodingError {
                let problem = PackageManifestValidator.problem(from: error)
                problems.append(ManifestProblem(path: "listing.json" + (problem.path.isEmpty ? "" : ": " + problem.path), message: problem.message))
            }
        }
        return problems
    }

    static func today() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date())
    }
}
