import Foundation

/// Turns what a person types into a safe FTS5 query: every word becomes a quoted prefix term
/// (`"stri"*`), all must match. A one-letter word matches only itself: as a prefix it would merge the
/// posting lists of a good part of the vocabulary (the index keeps prefixes of two and three letters). Quotes, operators and column filters in the input are never interpreted,
/// so no input can make the MATCH expression fail.
enum FullTextQuery {
    static let maximumTerms = 12

    static func make(_ text: String?) -> String? {
        guard let text else { return nil }
        let words = text.lowercased()
            .split(whereSeparator: { !($0.isLetter || $0.isNumber) })
            .prefix(maximumTerms)
            .map { String($0.prefix(64)) }
        guard !words.isEmpty else { return nil }
        return words.map { $0.count == 1 ? "\"\($0)\"" : "\"\($0)\"*" }.joined(separator: " ")
    }
}
