import Foundation

/// Turns what a person types into a safe FTS5 query: every word becomes a quoted prefix term
/// (`"stri"*`), all must match. A one-letter word matches only itself: as a prefix it would merge the
/// posting lists of a good part of the vocabulary. Quotes, operators and column filters in the input are
/// never interpreted, so no input can make the MATCH expression fail.
enum FullTextQuery {
    static let maximumTerms = 12
    /// The prefix lengths `listings_fts` keeps its own posting lists for: a prefix term up to this long is one
    /// lookup, a longer one merges the lists of every word it starts (correct, slower).
    static let indexedPrefixLengths = Array(2...12)

    /// The MATCH expression: the terms, all required.
    static func make(_ text: String?) -> String? {
        let terms = terms(text)
        return terms.isEmpty ? nil : terms.joined(separator: " ")
    }

    /// Each word as its own FTS5 term (phrase), in the order typed: phrase i of the MATCH is `terms[i]`.
    static func terms(_ text: String?) -> [String] {
        guard let text else { return [] }
        return text.lowercased()
            .split(whereSeparator: { !($0.isLetter || $0.isNumber) })
            .prefix(maximumTerms)
            .map { String($0.prefix(64)) }
            .map { $0.count == 1 ? "\"\($0)\"" : "\"\($0)\"*" }
    }
}
