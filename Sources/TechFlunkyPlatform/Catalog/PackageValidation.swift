import Foundation
import TechFlunkyCore

/// The platform's checks on a manifest before it lists a package: the structural checks that do not need
/// the bundle's files (those are checked against the unpacked bundle by `PackageStore.assets`).
/// Core's `PackageManifestValidator`, once on main, replaces the body of `problems`.
enum PackageValidation {
    static func problems(in manifest: PackageManifest, expectedSlug: String?) -> [ManifestProblem] {
        var problems: [ManifestProblem] = []
        if manifest.id.isEmpty { problems.append(.init(path: "id", message: "must not be empty")) }
        if manifest.name.isEmpty { problems.append(.init(path: "name", message: "must not be empty")) }
        if !SlugRules.isValid(manifest.slug) {
            problems.append(.init(path: "slug", message: "use 3 to 63 lower-case letters, digits and single hyphens"))
        }
        if let expectedSlug, manifest.slug != expectedSlug {
            problems.append(.init(path: "slug", message: "must be `\(expectedSlug)`"))
        }
        if manifest.cloudflare.workers.isEmpty { problems.append(.init(path: "cloudflare.workers", message: "a package needs at least one worker")) }
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
