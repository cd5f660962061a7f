import Synchronization

/// Values computed from the catalog, each kept for the `CatalogGeneration` it was computed at.
///
/// The one rule: read the generation *before* computing (see `CatalogGeneration.current`) and store under
/// it. A lookup under a newer generation drops every entry; a value computed under an older one is not
/// stored. So nothing computed before a committed change is served after it. When an entry would pass
/// `maxEntries` or `maxCost`, the cache starts empty again (pages and counts are cheap to recompute once).
final class GenerationCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entries {
        var generation: UInt64 = 0
        var values: [Key: Value] = [:]
        var cost = 0
    }
    private let entries = Mutex(Entries())
    private let maxEntries: Int
    private let maxCost: Int
    private let cost: @Sendable (Value) -> Int

    init(maxEntries: Int, maxCost: Int = .max, cost: @escaping @Sendable (Value) -> Int = { _ in 0 }) {
        self.maxEntries = maxEntries
        self.maxCost = maxCost
        self.cost = cost
    }

    /// The value remembered for `key` under `generation`, if any.
    func value(for key: Key, generation: UInt64) -> Value? {
        entries.withLock { entries in
            if entries.generation != generation {
                guard generation > entries.generation else { return nil }
                entries = Entries(generation: generation)
            }
            return entries.values[key]
        }
    }

    /// Remembers `value`, unless the catalog has moved on since `generation` was read.
    func store(_ value: Value, for key: Key, generation: UInt64) {
        let size = cost(value)
        entries.withLock { entries in
            guard entries.generation == generation, size <= maxCost else { return }
            if entries.values.count >= maxEntries || entries.cost + size > maxCost {
                entries.values.removeAll(keepingCapacity: true)
                entries.cost = 0
            }
            if let old = entries.values.updateValue(value, forKey: key) { entries.cost -= cost(old) }
            entries.cost += size
        }
    }

    var count: Int { entries.withLock { $0.values.count } }
}
