import Foundation

/// A package version as semver 2.0 has it (`MAJOR.MINOR.PATCH`, an optional `-pre.release` and `+build`),
/// ordered by semver's precedence: build metadata is ignored, a pre-release sorts before its release, and
/// pre-release identifiers compare numerically when both are digits.
public struct SemanticVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int
    public var preRelease: [String]
    public var build: [String]

    public init(major: Int, minor: Int, patch: Int, preRelease: [String] = [], build: [String] = []) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.preRelease = preRelease
        self.build = build
    }

    /// Parses `1.2.3`, `1.2.3-beta.1`, `1.2.3+build.5`; nil for anything else (no leading `v`, no leading zeros).
    public init?(_ text: String) {
        var rest = Substring(text)
        var build: [String] = []
        if let plus = rest.firstIndex(of: "+") {
            build = rest[rest.index(after: plus)...].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            rest = rest[..<plus]
            guard !build.isEmpty, build.allSatisfy(Self.isIdentifier) else { return nil }
        }
        var pre: [String] = []
        if let dash = rest.firstIndex(of: "-") {
            pre = rest[rest.index(after: dash)...].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            rest = rest[..<dash]
            guard !pre.isEmpty, pre.allSatisfy(Self.isIdentifier),
                  pre.allSatisfy({ !(Self.isNumeric($0) && $0.count > 1 && $0.hasPrefix("0")) }) else { return nil }
        }
        let core = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard core.count == 3 else { return nil }
        var numbers: [Int] = []
        for part in core {
            guard Self.isNumeric(String(part)), part.count <= 9, !(part.count > 1 && part.hasPrefix("0")), let n = Int(part) else { return nil }
            numbers.append(n)
        }
        self.init(major: numbers[0], minor: numbers[1], patch: numbers[2], preRelease: pre, build: build)
    }

    public var description: String {
        "\(major).\(minor).\(patch)" + (preRelease.isEmpty ? "" : "-" + preRelease.joined(separator: ".")) +
            (build.isEmpty ? "" : "+" + build.joined(separator: "."))
    }

    public static func < (a: SemanticVersion, b: SemanticVersion) -> Bool {
        if (a.major, a.minor, a.patch) != (b.major, b.minor, b.patch) { return (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch) }
        // A release outranks its pre-releases.
        if a.preRelease.isEmpty || b.preRelease.isEmpty { return !a.preRelease.isEmpty && b.preRelease.isEmpty }
        for (x, y) in zip(a.preRelease, b.preRelease) where x != y {
            switch (Int(x), Int(y)) {
            case let (m?, n?) where isNumeric(x) && isNumeric(y): return m < n
            case (_?, nil) where isNumeric(x): return true
            case (nil, _?) where isNumeric(y): return false
            default: return x < y
            }
        }
        return a.preRelease.count < b.preRelease.count
    }

    /// Equal precedence (build metadata ignored), which `==` does not give.
    public func hasSamePrecedence(as other: SemanticVersion) -> Bool { !(self < other) && !(other < self) }

    private static func isIdentifier(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D }
    }

    private static func isNumeric(_ s: String) -> Bool { !s.isEmpty && s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
}
