import Foundation
import TechFlunkyCore

/// The opaque `cursor` of `GET /api/listings`: the sort key and row sequence of the last item served
/// (keyset pagination), bound to the sort and filters it was made for. Because the next page starts
/// strictly after that key, listings added meanwhile never shift or repeat items on later pages.
struct ListingCursor: Codable, Equatable {
    /// Sort.
    var s: String
    /// The last item's sort key (integer keys travel exactly as integers).
    var k: Double?
    var ki: Int64?
    /// The last item's sequence number (tie-breaker).
    var i: Int64
    /// Fingerprint of the query it belongs to.
    var f: String
    /// Relevance only: the newest listing sequence the result set was fixed at, and the phase (1 ranked, 2 older).
    var w: Int64?
    var p: Int?
    /// Relevance phase 1: how many ranked items were served.
    var o: Int?
    /// Reversed (`reverse=true`): the page after this one goes the other way along the same keys.
    var r: Bool?

    func encoded() -> String { Base64URL.encode((try? JSONEncoder().encode(self)) ?? Data()) }

    static func decode(_ text: String) -> ListingCursor? {
        guard text.count <= 512, let data = Base64URL.decode(text) else { return nil }
        return try? JSONDecoder().decode(ListingCursor.self, from: data)
    }

    static func fingerprint(of query: ListingQuery, sort: ListingSort) -> String {
        // A reversed query's cursors are its own: a forward cursor continued backwards would serve the page before again.
        let parts = [sort.rawValue + (query.reverse ? "-" : ""), query.q ?? "", query.category ?? "", query.minPrice.map(String.init) ?? "", query.maxPrice.map(String.init) ?? ""]
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in parts.joined(separator: "\u{1f}").utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 36)
    }
}
