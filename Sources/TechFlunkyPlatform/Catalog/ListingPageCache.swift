import Hummingbird
import Synchronization
import TechFlunkyCore

/// The encoded JSON of recently served `GET /api/listings` pages, kept for one `CatalogGeneration`.
///
/// Browsing asks for the same first pages again and again (every client starting up, every return to the
/// list), and a page costs a database read plus a JSON encode of up to 100 listings — about a millisecond —
/// while the bytes do not change until the catalog does. A page is never served after a change to a listing
/// or a seller's name has committed (`GenerationCache`).
final class ListingPageCache: Sendable {
    private let pages: GenerationCache<ListingQuery, ByteBuffer>
    private let fastHitCount = Atomic<Int>(0)

    init(maxEntries: Int = 2048, maxBytes: Int = 16 << 20) {
        pages = GenerationCache(maxEntries: maxEntries, maxCost: maxBytes, cost: { $0.readableBytes })
    }

    /// The page's bytes: remembered ones if `generation` is still the cache's, else `make()`'s, remembered.
    /// Read `generation` before `make` reads the database (see `CatalogGeneration.current`).
    func body(for query: ListingQuery, generation: UInt64, make: () async throws -> ByteBuffer) async throws -> ByteBuffer {
        if let seen = pages.value(for: query, generation: generation) { return seen }
        let body = try await make()
        pages.store(body, for: query, generation: generation)
        return body
    }

    /// The remembered bytes only (the connection fast path).
    func cached(for query: ListingQuery, generation: UInt64) -> ByteBuffer? {
        let page = pages.value(for: query, generation: generation)
        if page != nil { fastHitCount.add(1, ordering: .relaxed) }
        return page
    }

    /// How many pages `cached(for:generation:)` has served (diagnostics, tests).
    var fastHits: Int { fastHitCount.load(ordering: .relaxed) }

    var count: Int { pages.count }
}
