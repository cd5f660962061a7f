import Foundation
import GRDB
import TechFlunkyCore

/// Fills the catalog with generated listings for scale work (`techflunky serve --synthetic N`): one
/// transaction, one prepared statement, varied words so full-text search has realistic selectivity.
/// Listings are `synthetic-<n>`; running again tops up to N instead of adding N more.
public enum SyntheticCatalog {
    public static let adjectives = ["Rapid", "Quiet", "Bright", "Lean", "Nimble", "Solid", "Clever", "Open", "Smart", "Tiny", "Global", "Local",
                             "Secure", "Simple", "Instant", "Green", "Urban", "Remote", "Indie", "Prime", "Atomic", "Cosmic", "Friendly", "Steady"]
    public static let nouns = ["Invoice", "Booking", "Newsletter", "Analytics", "Recipe", "Fitness", "Podcast", "Survey", "Inventory", "Ticketing",
                        "Portfolio", "Marketplace", "Forms", "Scheduler", "Chatbot", "Feedback", "Links", "Status", "Uptime", "Translation",
                        "Resume", "Courses", "Events", "Loyalty", "Referral", "Waitlist", "Changelog", "Docs", "Payments", "Shipping"]
    public static let kinds = ["SaaS", "Tool", "Studio", "Hub", "Kit", "Tracker", "Builder", "Manager", "API", "Platform", "Monitor", "Assistant"]
    public static let categories = ["Developer Tools", "Productivity", "E-commerce", "Marketing", "Education", "Health & Fitness",
                             "Finance", "Media", "Community", "AI & Automation"]
    public static let audiences = ["freelancers", "small teams", "agencies", "schools", "clinics", "restaurants", "creators", "shops",
                            "nonprofits", "developers", "landlords", "coaches"]
    public static let stacks = ["Cloudflare Workers", "D1", "R2", "TypeScript", "Hono", "KV", "Durable Objects", "Queues", "Stripe", "Resend"]

    /// Adds synthetic listings until there are `count`, owned by one synthetic seller. Returns how many were added.
    @discardableResult
    public static func fill(count: Int, services: PlatformServices) async throws -> Int {
        let sellerEmail = "synthetic-seller@techflunky.dev"
        var seller = try await services.accounts.credentials(email: sellerEmail)?.account
        if seller == nil {
            seller = try await services.accounts.createAccount(email: sellerEmail, displayName: "Synthetic Seller",
                                               passwordHash: try services.passwordHasher.hash(SessionToken.generate()), now: services.clock.now())
        }
        let now = StoredTime.encode(services.clock.now())
        let sellerId = seller!.id
        if let postgres = services.catalog as? PostgresCatalogStore {
            // PostgreSQL: multi-row INSERTs, a transaction per chunk of 20,000 so a million listings are never all in memory
            // (a fill cut short is topped up by the next run, as on SQLite).
            let existing = try await postgres.listingCount(sellerId: sellerId)
            guard existing < count else { return 0 }
            var generator = SplitMix64(seed: UInt64(existing) &+ 0x5eed)
            var n = existing
            while n < count {
                var chunk: [(listing: NewListing, createdAt: Date)] = []
                while n < count && chunk.count < 20_000 {
                    chunk.append((listing(n, sellerId: sellerId, generator: &generator), StoredTime.decode(now - Int64(count - n) * 1000)))
                    n += 1
                }
                try await postgres.insertMany(chunk)
            }
            return count - existing
        }
        let database = try services.sqliteDatabase(for: "filling synthetic listings")
        let manifest = String(decoding: try JSONEncoder().encode(templateManifest), as: UTF8.self)
        let added = try await database.pool.write { db -> Int in
            let existing = try Int.fetchOne(db, sql: "SELECT count(*) FROM listings WHERE seller_id = ?", arguments: [sellerId]) ?? 0
            guard existing < count else { return 0 }
            let statement = try SQLiteCatalogStore.insertStatement(db)
            var generator = SplitMix64(seed: UInt64(existing) &+ 0x5eed)
            for n in existing..<count {
                let arguments = SQLiteCatalogStore.arguments(id: PlatformID.make("lst"), listing: listing(n, sellerId: sellerId, generator: &generator),
                                                             manifest: manifest, assets: "[]", now: StoredTime.decode(now - Int64(count - n) * 1000))
                try statement.execute(arguments: arguments)
            }
            return count - existing
        }
        if added > 0 { try await SQLiteCatalogStore.optimizeSearchIndex(database) }
        return added
    }

    /// The `n`th synthetic listing (0-based), drawn from `generator`: the same sequence on either engine.
    static func listing(_ n: Int, sellerId: String, generator: inout SplitMix64) -> NewListing {
        func pick<T>(_ items: [T]) -> T { items[Int(generator.next() % UInt64(items.count))] }
        let title = "\(pick(adjectives)) \(pick(nouns)) \(pick(kinds))"
        let audience = pick(audiences)
        let price = Int64(500_00 + generator.next() % 500_000_00)
        let revenue = Int64(generator.next() % UInt64(max(price / 20, 1)))
        let profit = revenue * Int64(30 + generator.next() % 60) / 100
        let stack = [pick(stacks), pick(stacks), pick(stacks)]
        let details = PublishListingRequest(
            title: title, tagline: "\(pick(nouns)) for \(audience), on the edge",
            description: "A profitable \(title.lowercased()) serving \(audience). \(pick(adjectives)) onboarding, \(pick(nouns).lowercased()) built in, runs on \(stack[0]).",
            category: pick(categories), askingPrice: .usd(price), monthlyRevenue: .usd(revenue), monthlyProfit: .usd(profit),
            ageMonths: Int(generator.next() % 96) + 1, techStack: Array(Set(stack)).sorted(), monthlyVisitors: Int(generator.next() % 200_000))
        return NewListing(slug: "synthetic-\(n + 1)", sellerId: sellerId, details: details, manifest: templateManifest, assets: [])
    }

    static let templateManifest = PackageManifest(
        id: "synthetic", name: "Synthetic business", slug: "synthetic", version: "1.0.0",
        cloudflare: CloudflareResources(
            workers: [WorkerSpec(name: "app", main: "workers/app/index.js", compatibilityDate: "2024-09-23",
                                 bindings: [WorkerBinding(type: .d1, name: "DB", database: "main")])],
            d1Databases: [D1DatabaseSpec(name: "main", migrations: ["migrations/0001_init.sql"])],
            r2Buckets: [], dnsRecords: []),
        businessAssets: [:])
}

/// A small, fast, seedable generator so synthetic catalogs are the same on every run.
public struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
