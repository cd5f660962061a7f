import Foundation

/// The one rule for DNS host names (RFC 1123): dot-separated labels of ASCII letters, digits and `-`, each
/// 1–63 characters long and neither starting nor ending with `-`, 253 characters in all.
///
/// By default a host name has at least two labels and its top-level label holds a letter (a buyer's custom
/// domain: `shop.example.com`, not `shop` or `10.0.0.1`). Record names and Cloudflare's own checks are
/// wider; `Syntax` says how.
public enum Hostname {
    public struct Syntax: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// `_` in labels (`_dmarc`, `_sip._tcp`: record names, not host names a browser visits).
        public static let underscores = Syntax(rawValue: 1 << 0)
        /// `*` in labels (wildcard DNS records).
        public static let wildcards = Syntax(rawValue: 1 << 1)
        /// One label is enough (a DNS record's content may be a bare name).
        public static let singleLabel = Syntax(rawValue: 1 << 2)
        /// The top-level label may be all digits.
        public static let numericTopLevel = Syntax(rawValue: 1 << 3)

        /// What Cloudflare accepts as a DNS name.
        public static let cloudflareDNS: Syntax = [.underscores, .wildcards, .singleLabel, .numericTopLevel]
    }

    /// Whether `name` (as given: not trimmed, not lower-cased, no final dot) is a host name.
    public static func isValid(_ name: some StringProtocol, syntax: Syntax = []) -> Bool {
        guard !name.isEmpty, name.count <= 253 else { return false }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= (syntax.contains(.singleLabel) ? 1 : 2), labels.allSatisfy({ isLabel($0, syntax: syntax) }) else { return false }
        return syntax.contains(.numericTopLevel) || labels.last?.contains(where: \.isLetter) == true
    }

    /// One label: 1–63 characters of letters, digits and `-` (plus what `syntax` allows), no `-` at either end.
    public static func isLabel(_ label: some StringProtocol, syntax: Syntax = []) -> Bool {
        (1...63).contains(label.count) && label.first != "-" && label.last != "-"
            && label.allSatisfy { c in
                (c.isASCII && (c.isLetter || c.isNumber || c == "-"))
                    || (c == "_" && syntax.contains(.underscores)) || (c == "*" && syntax.contains(.wildcards))
            }
    }

    /// A host name as a person types it: outer spaces and one final dot dropped, lower-cased. Nil when
    /// what remains is not a host name (with the default syntax).
    public static func normalized(_ raw: String) -> String? {
        var host = raw.trimmingCharacters(in: .whitespaces).lowercased()
        if host.hasSuffix(".") { host.removeLast() }
        return isValid(host) ? host : nil
    }
}
