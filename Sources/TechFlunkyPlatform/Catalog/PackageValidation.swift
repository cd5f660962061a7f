import Foundation
import TechFlunkyCore

/// The platform's checks on a package before it lists it: Core's `PackageManifestValidator` (every problem,
/// with its JSON path, including files the manifest names but the bundle lacks), plus that the manifest's
/// slug is the listing's and that every bundle path stays inside the bundle.
enum PackageValidation {
    static func problems(in manifest: PackageManifest, expectedSlug: String?, bundleFiles: Set<String>? = nil, today: Date = Date()) -> [ManifestProblem] {
        let problems = PackageManifestValidator(today: day(today)).validate(manifest, bundleFiles: bundleFiles)
        return problems + platformProblems(manifest, expectedSlug: expectedSlug)
    }

    /// The problems of a `techflunky.json` as uploaded: every wrong type and missing key and every rule, in one run,
    /// and the manifest when it could be decoded.
    static func problems(inManifest data: Data, expectedSlug: String?, bundleFiles: Set<String>?, today: Date) -> (PackageManifest?, [ManifestProblem]) {
        let problems = PackageManifestValidator(today: day(today)).problems(in: data, bundleFiles: bundleFiles)
        guard let manifest = try? PackageManifestValidator.decode(data) else { return (nil, problems) }
        return (manifest, problems + platformProblems(manifest, expectedSlug: expectedSlug))
    }

    static func day(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: date)
    }

    private static func platformProblems(_ manifest: PackageManifest, expectedSlug: String?) -> [ManifestProblem] {
        var problems: [ManifestProblem] = []
        if let expectedSlug, manifest.slug != expectedSlug {
            problems.append(.init(path: "slug", message: "must be `\(expectedSlug)`, the listing's slug"))
        }
        for (index, path) in PackageStore.referencedPaths(manifest).enumerated() where !BundlePath.isSafe(path) {
            problems.append(.init(path: "files[\(index)]", message: "`\(path)` must be a relative path inside the bundle"))
        }
        return problems
    }
}

enum SlugRules {
    static func isValid(_ slug: String) -> Bool {
        guard (3...63).contains(slug.count), !slug.hasPrefix("-"), !slug.hasSuffix("-"), !slug.contains("--") else { return false }
        return slug.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}

/// Paths inside a bundle: relative, no `..`, no empty or `.` components, no backslashes or control characters.
enum BundlePath {
    static func isSafe(_ path: String) -> Bool {
        guard !path.isEmpty, path.utf8.count <= 255, !path.hasPrefix("/"), !path.contains("\\"),
              !path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else { return false }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return parts.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }
}
