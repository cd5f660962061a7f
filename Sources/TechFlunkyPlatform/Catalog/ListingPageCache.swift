import Hummingbird
import Synchronization
import TechFlunkyCore

/// The encoded JSON of recently served `GET /api/listings` pages, kept for one `CatalogGeneration`.
///
/// Browsing asks for the same first pages again and again (every client starting up, every return to the
/// list), and a page costs a database read plus a JSON encode of up to 100 listings — about a millisecond —
/// while the bytes do not change until the catalog does. The first lookup under a newer generation drops
/// every entry, so a page is never served after a change to a listing or a seller's name has committed.
final class ListingPageCache: Sendable {
    private struct Entries {
        var generation: UInt64 = 0
        var pages: [ListingQuery: ByteBuffer] = [:]
        var bytes = 0
        var fastHits = 0
    }
    private let entries = Mutex(Entries())
    private let maxEntries: Int
    private let maxBytes: Int

    init(maxEntries: Int = 2048, maxBytes: Int = 16 << 20) {
        self.maxEntries = maxEntries
        self.maxBytes = maxBytes
    }

    /// The page's bytes: remembered ones if `generation` is still the cache's, else `make()`'s, remembered.
    /// Read `generation` before `make` reads the database (see `CatalogGeneration.current`).
    func body(for query: ListingQuery, generation: UInt64, make: () async throws -> ByteBuffer) async throws -> ByteBuffer {
        let seen = entries.withLock { entries -> ByteBuffer? in
            if entries.generation != generation {
                guard generation > entries.generation else { return nil }
                entries = Entries(generation: generation, fastHits: entries.fastHits)
            }
            return entries.pages[query]
        }
        if let seen { return seen }
        let body = try await make()
        entries.withLock { entries in
            guard entries.generation == generation, body.readableBytes <= maxBytes else { return }
            if entries.pages.count >= maxEntries || entries.bytes + body.readableBytes > maxBytes {
                entries.pages.removeAll(keepingCapacity: true)
                entries.bytes = 0
            }
            if let old = entries.pages.updateValue(body, forKey: query) { entries.bytes -= old.readableBytes }
            entries.bytes += body.readableBytes
        }
        return body
    }

    /// The remembered bytes only, if `generation` is still the cache's (the connection fast path).
    func cached(for query: ListingQuery, generation: UInt64) -> ByteBuffer? {
        entries.withLock { entries in
            guard entries.generation == generation, let page = entries.pages[query] else { return nil }
            entries.fastHits += 1
            return page
        }
    }

    /// How many pages `cached(for:generation:)` has served (diagnostics, tests).
    var fastHits: Int { entries.withLock { $0.fastHits } }

    var count: Int { entries.withLock { $0.pages.count } }

}
