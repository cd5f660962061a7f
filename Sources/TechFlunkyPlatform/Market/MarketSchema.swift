import GRDB

/// The buyer's marketplace: a listing's reservation by an open checkout, watchlists, saved searches and the
/// per-account notifications. Registered after every earlier concern's migrations.
enum MarketSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4_market") { db in
            try db.execute(sql: """
                ALTER TABLE listings ADD COLUMN reserved_until INTEGER;
                ALTER TABLE listings ADD COLUMN reserved_order TEXT;
                CREATE INDEX listings_reserved ON listings(reserved_until) WHERE reserved_until IS NOT NULL;
                CREATE TABLE watchlist (
                    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    listing_id TEXT NOT NULL REFERENCES listings(id) ON DELETE CASCADE,
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (account_id, listing_id)
                );
                CREATE INDEX watchlist_listing ON watchlist(listing_id);
                CREATE TABLE saved_searches (
                    id TEXT PRIMARY KEY NOT NULL,
                    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    q TEXT,
                    category TEXT,
                    min_price INTEGER,
                    max_price INTEGER,
                    created_at INTEGER NOT NULL,
                    UNIQUE (account_id, name)
                );
                CREATE TABLE notifications (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL,
                    message TEXT NOT NULL,
                    listing_slug TEXT,
                    listing_title TEXT,
                    currency TEXT,
                    old_price INTEGER,
                    new_price INTEGER,
                    reference_id TEXT,
                    created_at INTEGER NOT NULL,
                    read_at INTEGER
                );
                CREATE INDEX notifications_account ON notifications(account_id, seq);
                CREATE INDEX notifications_unread ON notifications(account_id) WHERE read_at IS NULL;
                """)
        }
    }
}
