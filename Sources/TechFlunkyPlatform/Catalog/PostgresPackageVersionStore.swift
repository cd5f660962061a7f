import Foundation
import PostgresNIO
import TechFlunkyCore

/// `PackageVersionStore` on PostgreSQL (`pg_v5_deals_market_versions`'s `listing_versions`, whose first row per
/// listing a trigger writes as the listing is inserted). Manifests are JSON text, read with `::jsonb ->> 'version'`.
public struct PostgresPackageVersionStore: PackageVersionStore {
    let database: PostgresDatabase

    public init(database: PostgresDatabase) { self.database = database }

    public func versions(slug: String) async throws -> [PackageVersion] {
        let versions = try await database.rows("""
            SELECT version, changelog, published_at FROM listing_versions WHERE listing_slug = \(slug)
            """).map { row in
            let (version, changelog, published) = try row.decode((String, String, Int64).self)
            return PackageVersion(version: version, changelog: changelog, publishedAt: StoredTime.decode(published))
        }
        return PackageVersion.newestFirst(versions)
    }

    public func record(slug: String, version: String, changelog: String, at: Date) async throws -> Bool {
        try PostgresDatabase.refuseNul([("version", version), ("changelog", changelog)])
        return try await !database.rows("""
            INSERT INTO listing_versions (listing_slug, version, changelog, published_at)
            VALUES (\(slug), \(version), \(changelog), \(StoredTime.encode(at)))
            ON CONFLICT (listing_slug, version) DO UPDATE SET changelog = excluded.changelog WHERE listing_versions.changelog = ''
            RETURNING 1
            """).isEmpty
    }

    public func currentVersions(slugs: [String]) async throws -> [String: String] {
        let unique = Array(Set(slugs))
        guard !unique.isEmpty else { return [:] }
        var found: [String: String] = [:]
        for row in try await database.rows("""
            SELECT slug, manifest::jsonb ->> 'version' FROM listings WHERE slug = ANY(\(unique))
            """) {
            let (slug, version) = try row.decode((String, String?).self)
            if let version { found[slug] = version }
        }
        return found
    }

    /// Counts buyers from `orders` (PostgreSQL's `pg_v4_orders`, as SQLite's: paid, in review or released).
    public func sellerListings(sellerId: String) async throws -> [SellerListing] {
        try await database.rows("""
            SELECT l.slug, l.title, l.status, l.currency, l.price, l.created_at, l.updated_at, l.manifest::jsonb ->> 'version',
                   (SELECT count(*) FROM listing_versions v WHERE v.listing_slug = l.slug),
                   (SELECT count(*) FROM orders o WHERE o.listing_id = l.id AND o.state IN ('paid', 'in_review', 'released'))
            FROM listings l WHERE l.seller_id = \(sellerId) ORDER BY l.created_at DESC, l.seq DESC
            """).map { row in
            let (slug, title, status, currency, price, created, updated, version, versionCount, buyers) =
                try row.decode((String, String, String, String, Int64, Int64, Int64, String?, Int, Int).self)
            return SellerListing(slug: slug, title: title, status: status, askingPrice: Money(minorUnits: price, currency: Currency(code: currency)),
                                 version: version ?? "", versionCount: versionCount, buyers: buyers,
                                 createdAt: StoredTime.decode(created), updatedAt: StoredTime.decode(updated))
        }
    }
}
