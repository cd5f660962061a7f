import Foundation
import TechFlunkyCore

/// The deploy form's checks, made before anything is sent: a Cloudflare account id is 32 hexadecimal digits,
/// an API token is one printable word, and a custom domain is a hostname (not a URL).
public enum DeployFormValidation {
    /// A problem with one field, in words a buyer can act on.
    public struct Problem: Error, Equatable, Sendable {
        public enum Field: String, Sendable { case accountId, apiToken, domain }
        public var field: Field
        public var message: String
    }

    /// The account id lower-cased, or why it is not one.
    public static func accountId(_ raw: String) -> Result<String, Problem> {
        let text = raw.trimmingCharacters(in: .whitespaces).lowercased()
        if text.isEmpty {
            return .failure(Problem(field: .accountId, message: "Enter your Cloudflare account id (dashboard → Overview, right column)."))
        }
        guard text.count == 32, text.allSatisfy({ $0.isHexDigit && $0.isASCII }) else {
            return .failure(Problem(field: .accountId, message: "A Cloudflare account id is 32 hexadecimal digits (0-9, a-f)."))
        }
        return .success(text)
    }

    /// The token as typed (outer spaces dropped), or why it cannot be one. The token itself never appears
    /// in a message.
    public static func apiToken(_ raw: String) -> Result<String, Problem> {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if text.isEmpty {
            return .failure(Problem(field: .apiToken, message: "Enter a Cloudflare API token with Workers, D1, R2 and DNS edit permissions."))
        }
        guard text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }) else {
            return .failure(Problem(field: .apiToken, message: "An API token has no spaces or special characters; paste it again."))
        }
        guard (20...256).contains(text.count) else {
            return .failure(Problem(field: .apiToken, message: "That is too \(text.count < 20 ? "short" : "long") for a Cloudflare API token (\(text.count) characters)."))
        }
        return .success(text)
    }

    /// nil for no custom domain (use workers.dev), the lower-cased hostname, or why it is not one.
    public static func domain(_ raw: String) -> Result<String?, Problem> {
        let text = raw.trimmingCharacters(in: .whitespaces).lowercased()
        if text.isEmpty { return .success(String?.none) }
        if text.contains("://") || text.contains("/") {
            return .failure(Problem(field: .domain, message: "Enter a hostname such as shop.example.com, without https:// or a path."))
        }
        let host = text.hasSuffix(".") ? String(text.dropLast()) : text
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        let validLabel: (Substring) -> Bool = { label in
            (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" }
        }
        guard host.count <= 253, labels.count >= 2, labels.allSatisfy(validLabel),
              labels.last.map({ $0.contains { $0.isLetter } }) == true else {
            return .failure(Problem(field: .domain, message: "\"\(shortPrintable(raw))\" is not a hostname (letters, digits and hyphens, dot-separated, e.g. shop.example.com)."))
        }
        return .success(host)
    }

    /// Input echoed back in a message: printable and short.
    private static func shortPrintable(_ text: String) -> String {
        let printable = String(String.UnicodeScalarView(text.unicodeScalars.filter {
            $0.value >= 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value)
        }))
        return printable.count > 40 ? String(printable.prefix(39)) + "…" : printable
    }
}
