import Foundation

/// Percent-encoding of URL path segments and query strings (RFC 3986): everything outside the unreserved
/// set `A-Z a-z 0-9 - . _ ~` is encoded, non-ASCII letters included (as UTF-8 bytes). Names in a URL come
/// from packages, buyers and the API (untrusted), so a slug or id can neither add a segment nor a parameter.
public enum PercentEncoding {
    /// RFC 3986 §2.3. Not `CharacterSet.alphanumerics`, which lets non-ASCII letters through.
    public static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// One path segment: `a/b` stays one segment (`a%2Fb`).
    public static func segment(_ value: String) -> String {
        // A Swift String is valid Unicode, so encoding cannot fail; the fallback is never taken.
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }

    /// `?k=v&k2=v2` with keys and values encoded as segments, in the given order; "" for no items.
    public static func queryString(_ items: [(String, String)]) -> String {
        guard !items.isEmpty else { return "" }
        return "?" + items.map { "\(segment($0.0))=\(segment($0.1))" }.joined(separator: "&")
    }
}
