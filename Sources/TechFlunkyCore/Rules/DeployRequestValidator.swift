import Foundation

/// The one check of a deploy request's Cloudflare part, made by the deploy form, the CLI and the platform
/// alike: a Cloudflare account id is 32 hexadecimal digits, an API token has the shape of one
/// (`CloudflareAPIToken.shapeProblem`), and a custom domain is a host name (`Hostname`), not a URL.
/// Messages are in words a buyer can act on and never quote the token.
public enum DeployRequestValidator {
    /// A problem with one field.
    public struct Problem: Error, Equatable, Sendable, CustomStringConvertible {
        public enum Field: String, Sendable, CaseIterable {
            case accountId, apiToken, domain

            /// The field's path in the request body, as the platform names a refused field.
            public var requestPath: String {
                switch self {
                case .accountId: "cloudflare.accountId"
                case .apiToken: "cloudflare.apiToken"
                case .domain: "domain"
                }
            }
        }

        public var field: Field
        public var message: String

        public init(field: Field, message: String) {
            self.field = field
            self.message = message
        }

        public var description: String { "\(field.requestPath): \(message)" }
    }

    /// The account id trimmed and lower-cased, or why it is not one.
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

    /// The token (outer spaces dropped), or why it cannot be one.
    public static func apiToken(_ raw: String) -> Result<CloudflareAPIToken, Problem> {
        apiToken(CloudflareAPIToken(raw))
    }

    public static func apiToken(_ token: CloudflareAPIToken) -> Result<CloudflareAPIToken, Problem> {
        switch token.shapeProblem {
        case nil:
            return .success(token)
        case .empty:
            return .failure(Problem(field: .apiToken, message: "Enter a Cloudflare API token with Workers, D1, R2 and DNS edit permissions."))
        case .notPrintable:
            return .failure(Problem(field: .apiToken, message: "An API token has no spaces or special characters; paste it again."))
        case let .length(count):
            let range = CloudflareAPIToken.allowedLength
            return .failure(Problem(field: .apiToken, message: "That is too \(count < range.lowerBound ? "short" : "long") for a Cloudflare API token (\(count) characters)."))
        }
    }

    /// nil for no custom domain (use workers.dev), the lower-cased host name, or why it is not one.
    public static func domain(_ raw: String?) -> Result<String?, Problem> {
        let text = (raw ?? "").trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return .success(String?.none) }
        if text.contains("://") || text.contains("/") {
            return .failure(Problem(field: .domain, message: "Enter a hostname such as shop.example.com, without https:// or a path."))
        }
        guard let host = Hostname.normalized(text) else {
            return .failure(Problem(field: .domain, message: "\"\(shortPrintable(text))\" is not a hostname (letters, digits and hyphens, dot-separated, e.g. shop.example.com)."))
        }
        return .success(host)
    }

    /// The credentials with the account id normalised and the token checked, or the first problem.
    public static func credentials(_ credentials: CloudflareCredentials) -> Result<CloudflareCredentials, Problem> {
        accountId(credentials.accountId).flatMap { account in
            apiToken(credentials.apiToken).map { CloudflareCredentials(accountId: account, apiToken: $0) }
        }
    }

    /// Input echoed back in a message: printable and short.
    private static func shortPrintable(_ text: String) -> String {
        let printable = String(String.UnicodeScalarView(text.unicodeScalars.filter {
            $0.value >= 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value)
        }))
        return printable.count > 40 ? String(printable.prefix(39)) + "…" : printable
    }
}
