import Foundation
import TechFlunkyCore

/// Stripe's request encoding: `application/x-www-form-urlencoded` with nested keys in brackets
/// (`line_items[0][price_data][currency]=usd`). Pairs keep their order; brackets stay literal in keys, as
/// Stripe's own libraries send them, and everything else outside the unreserved set is percent-encoded.
public enum StripeFormEncoder {
    private static let unreserved = PercentEncoding.unreserved
    private static let keyAllowed = unreserved.union(CharacterSet(charactersIn: "[]"))

    public static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { key, value in
            (key.addingPercentEncoding(withAllowedCharacters: keyAllowed) ?? key) + "="
                + (value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value)
        }.joined(separator: "&")
    }
}
