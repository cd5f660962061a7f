import GRDB

/// Package versions: `listing_versions`, every version a listing's package was published at, with its changelog.
/// Registered after every earlier migration (the deployments' own columns are in `DeploymentSchema`).
enum PackageVersionSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4_listing_versions") { db in
            try db.execute(sql: """
                CREATE TABLE listing_versions (
                    listing_slug TEXT NOT NULL,
                    version TEXT NOT NULL,
                    changelog TEXT NOT NULL,
                    published_at INTEGER NOT NULL,
                    PRIMARY KEY (listing_slug, version)
                );
                INSERT INTO listing_versions (listing_slug, version, changelog, published_at)
                    SELECT slug, json_extract(manifest, '$.version'), '', created_at FROM listings
                    WHERE json_extract(manifest, '$.version') IS NOT NULL;
                -- Every way a listing is made (publishing, the demo catalog, synthetic listings) records its first version.
                CREATE TRIGGER listing_versions_first AFTER INSERT ON listings
                WHEN json_extract(new.manifest, '$.version') IS NOT NULL BEGIN
                    INSERT OR IGNORE INTO listing_versions (listing_slug, version, changelog, published_at)
                    VALUES (new.slug, json_extract(new.manifest, '$.version'), '', new.created_at);
                END;
                """)
        }
    }
}
