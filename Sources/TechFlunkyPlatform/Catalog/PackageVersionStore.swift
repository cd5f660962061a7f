import Foundation
import GRDB
import TechFlunkyCore

/// The versions of listings' packages (`listing_versions`) and the seller's view of their own listings.
/// The current version is the stored manifest's `version`; this store keeps the history and the changelogs.
public protocol PackageVersionStore: Sendable {
    /// Every version of the listing's package, newest first (semver precedence, then time).
    func versions(slug: String) async throws -> [PackageVersion]
    /// Records a version; false when the listing already has it (a version first recorded without a changelog
    /// takes this one's).
    func record(slug: String, version: String, changelog: String, at: Date) async throws -> Bool
    /// The current package version of each listing (from its stored manifest), for orders' "update available".
    func currentVersions(slugs: [String]) async throws -> [String: String]
    /// The seller's listings in every status, newest first, with their version and how many buyers own each.
    func sellerListings(sellerId: String) async throws -> [SellerListing]
}

extension PackageVersion {
    /// Newest first: semver precedence, then time (both engines sort the same way).
    static func newestFirst(_ versions: [PackageVersion]) -> [PackageVersion] {
        versions.sorted { a, b in
            switch (SemanticVersion(a.version), SemanticVersion(b.version)) {
            case let (x?, y?) where !x.hasSamePrecedence(as: y): return y < x
            default: return a.publishedAt > b.publishedAt
            }
        }
    }
}

public struct SQLitePackageVersionStore: PackageVersionStore {
    let database: PlatformDatabase

    public init(database: PlatformDatabase) {
        self.database = database
    }

    public func versions(slug: String) async throws -> [PackageVersion] {
        let versions = try await database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT version, changelog, published_at FROM listing_versions WHERE listing_slug = ?", arguments: [slug]).map {
                PackageVersion(version: $0["version"], changelog: $0["changelog"], publishedAt: StoredTime.decode($0["published_at"]))
            }
        }
        return PackageVersion.newestFirst(versions)
    }

    public func record(slug: String, version: String, changelog: String, at: Date) async throws -> Bool {
        try await database.pool.write { db in
            try db.execute(sql: """
                INSERT INTO listing_versions (listing_slug, version, changelog, published_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (listing_slug, version) DO UPDATE SET changelog = excluded.changelog WHERE listing_versions.changelog = ''
                """, arguments: [slug, version, changelog, StoredTime.encode(at)])
            return db.changesCount > 0
        }
    }

    public func currentVersions(slugs: [String]) async throws -> [String: String] {
        let unique = Array(Set(slugs))
        guard !unique.isEmpty else { return [:] }
        return try await database.pool.read { db in
            var found: [String: String] = [:]
            for start in stride(from: 0, to: unique.count, by: 500) {
                let chunk = Array(unique[start..<min(start + 500, unique.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                for row in try Row.fetchAll(db, sql: "SELECT slug, json_extract(manifest, '$.version') AS version FROM listings WHERE slug IN (\(marks))",
                                            arguments: StatementArguments(chunk)) {
                    if let version: String = row["version"] { found[row["slug"]] = version }
                }
            }
            return found
        }
    }

    public func sellerListings(sellerId: String) async throws -> [SellerListing] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT l.slug, l.title, l.status, l.currency, l.price, l.created_at, l.updated_at,
                       json_extract(l.manifest, '$.version') AS version,
                       (SELECT count(*) FROM listing_versions v WHERE v.listing_slug = l.slug) AS version_count,
                       (SELECT count(*) FROM orders o WHERE o.listing_id = l.id AND o.state IN ('paid', 'in_review', 'released')) AS buyers
                FROM listings l WHERE l.seller_id = ? ORDER BY l.created_at DESC, l.seq DESC
                """, arguments: [sellerId]).map { row in
                SellerListing(slug: row["slug"], title: row["title"], status: row["status"],
                              askingPrice: Money(minorUnits: row["price"], currency: Currency(code: row["currency"])),
                              version: row["version"] ?? "", versionCount: row["version_count"], buyers: row["buyers"],
                              createdAt: StoredTime.decode(row["created_at"]), updatedAt: StoredTime.decode(row["updated_at"]))
            }
        }
    }
}
