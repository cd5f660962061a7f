import GRDB

/// Tables of accounts, sessions, the catalog (with its FTS5 index), orders and payment bookkeeping.
/// Timestamps are integer milliseconds since 1970; money is integer minor units with a currency column.
enum PlatformSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1_accounts") { db in
            try db.execute(sql: """
                CREATE TABLE accounts (
                    id TEXT PRIMARY KEY NOT NULL,
                    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
                    display_name TEXT NOT NULL,
                    password_hash TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    stripe_account_id TEXT UNIQUE,
                    details_submitted INTEGER NOT NULL DEFAULT 0,
                    charges_enabled INTEGER NOT NULL DEFAULT 0,
                    payouts_enabled INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE sessions (
                    token_hash TEXT PRIMARY KEY NOT NULL,
                    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    revoked_at INTEGER
                );
                CREATE INDEX sessions_account ON sessions(account_id);
                """)
        }
        migrator.registerMigration("v1_catalog") { db in
            try db.execute(sql: """
                CREATE TABLE listings (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    slug TEXT NOT NULL UNIQUE,
                    seller_id TEXT NOT NULL REFERENCES accounts(id),
                    title TEXT NOT NULL,
                    tagline TEXT NOT NULL,
                    description TEXT NOT NULL,
                    category TEXT NOT NULL,
                    currency TEXT NOT NULL,
                    price INTEGER NOT NULL,
                    revenue INTEGER NOT NULL,
                    profit INTEGER NOT NULL,
                    multiple REAL,
                    age_months INTEGER NOT NULL,
                    tech_stack TEXT NOT NULL,
                    visitors INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    manifest TEXT NOT NULL,
                    assets TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE INDEX listings_newest ON listings(status, created_at, seq);
                CREATE INDEX listings_price ON listings(status, price, seq);
                CREATE INDEX listings_revenue ON listings(status, revenue, seq);
                CREATE INDEX listings_profit ON listings(status, profit, seq);
                CREATE INDEX listings_multiple ON listings(status, multiple, seq);
                CREATE INDEX listings_category ON listings(status, category, created_at, seq);
                CREATE INDEX listings_seller ON listings(seller_id);
                CREATE VIRTUAL TABLE listings_fts USING fts5(
                    title, tagline, description, category, tech_stack,
                    content='listings', content_rowid='seq',
                    tokenize='unicode61 remove_diacritics 2', prefix='2 3'
                );
                CREATE TRIGGER listings_fts_insert AFTER INSERT ON listings BEGIN
                    INSERT INTO listings_fts(rowid, title, tagline, description, category, tech_stack)
                    VALUES (new.seq, new.title, new.tagline, new.description, new.category, new.tech_stack);
                END;
                CREATE TRIGGER listings_fts_delete AFTER DELETE ON listings BEGIN
                    INSERT INTO listings_fts(listings_fts, rowid, title, tagline, description, category, tech_stack)
                    VALUES ('delete', old.seq, old.title, old.tagline, old.description, old.category, old.tech_stack);
                END;
                CREATE TRIGGER listings_fts_update AFTER UPDATE OF title, tagline, description, category, tech_stack ON listings BEGIN
                    INSERT INTO listings_fts(listings_fts, rowid, title, tagline, description, category, tech_stack)
                    VALUES ('delete', old.seq, old.title, old.tagline, old.description, old.category, old.tech_stack);
                    INSERT INTO listings_fts(rowid, title, tagline, description, category, tech_stack)
                    VALUES (new.seq, new.title, new.tagline, new.description, new.category, new.tech_stack);
                END;
                """)
        }
        migrator.registerMigration("v1_orders") { db in
            try db.execute(sql: """
                CREATE TABLE orders (
                    id TEXT PRIMARY KEY NOT NULL,
                    listing_id TEXT NOT NULL,
                    listing_slug TEXT NOT NULL,
                    listing_title TEXT NOT NULL,
                    buyer_id TEXT NOT NULL REFERENCES accounts(id),
                    seller_id TEXT NOT NULL REFERENCES accounts(id),
                    currency TEXT NOT NULL,
                    amount INTEGER NOT NULL,
                    fee INTEGER NOT NULL,
                    seller_share INTEGER NOT NULL,
                    state TEXT NOT NULL,
                    checkout_session_id TEXT UNIQUE,
                    checkout_url TEXT,
                    session_expires_at INTEGER,
                    payment_intent_id TEXT,
                    charge_id TEXT,
                    created_at INTEGER NOT NULL,
                    paid_at INTEGER,
                    hold_until INTEGER,
                    hold_frozen_reason TEXT,
                    refunded_at INTEGER,
                    disputed_at INTEGER,
                    expired_at INTEGER,
                    released_at INTEGER,
                    transfer_id TEXT,
                    updated_at INTEGER NOT NULL
                );
                CREATE INDEX orders_buyer ON orders(buyer_id, created_at);
                CREATE INDEX orders_seller ON orders(seller_id, created_at);
                CREATE INDEX orders_listing_buyer ON orders(listing_id, buyer_id);
                CREATE INDEX orders_due ON orders(state, hold_until);
                CREATE INDEX orders_payment_intent ON orders(payment_intent_id);
                CREATE INDEX orders_charge ON orders(charge_id);
                CREATE TABLE idempotency_keys (
                    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    request_hash TEXT NOT NULL,
                    response_status INTEGER,
                    response_body BLOB,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    PRIMARY KEY (account_id, key)
                );
                CREATE TABLE stripe_events (
                    id TEXT PRIMARY KEY NOT NULL,
                    type TEXT NOT NULL,
                    received_at INTEGER NOT NULL
                );
                """)
        }
        // The full-text index holds active listings only, so counting matches needs no join.
        migrator.registerMigration("v2_catalog_active_index") { db in
            try db.execute(sql: """
                DROP TRIGGER listings_fts_insert;
                DROP TRIGGER listings_fts_delete;
                DROP TRIGGER listings_fts_update;
                INSERT INTO listings_fts(listings_fts) VALUES ('delete-all');
                INSERT INTO listings_fts(rowid, title, tagline, description, category, tech_stack)
                    SELECT seq, title, tagline, description, category, tech_stack FROM listings WHERE status = 'active';
                CREATE TRIGGER listings_fts_insert AFTER INSERT ON listings WHEN new.status = 'active' BEGIN
                    INSERT INTO listings_fts(rowid, title, tagline, description, category, tech_stack)
                    VALUES (new.seq, new.title, new.tagline, new.description, new.category, new.tech_stack);
                END;
                CREATE TRIGGER listings_fts_delete AFTER DELETE ON listings WHEN old.status = 'active' BEGIN
                    INSERT INTO listings_fts(listings_fts, rowid, title, tagline, description, category, tech_stack)
                    VALUES ('delete', old.seq, old.title, old.tagline, old.description, old.category, old.tech_stack);
                END;
                CREATE TRIGGER listings_fts_update AFTER UPDATE OF title, tagline, description, category, tech_stack, status ON listings BEGIN
                    INSERT INTO listings_fts(listings_fts, rowid, title, tagline, description, category, tech_stack)
                    SELECT 'delete', old.seq, old.title, old.tagline, old.description, old.category, old.tech_stack WHERE old.status = 'active';
                    INSERT INTO listings_fts(rowid, title, tagline, description, category, tech_stack)
                    SELECT new.seq, new.title, new.tagline, new.description, new.category, new.tech_stack WHERE new.status = 'active';
                END;
                """)
        }
        // Prefix indexes up to twelve characters: what a person types ("invoic", "restaurant") is looked up as one
        // posting list, read lazily, instead of merging the lists of every word that starts with it. Over a million
        // listings that merge cost tens of milliseconds per search. The index is rebuilt from the listings.
        migrator.registerMigration("v3_catalog_long_prefixes") { db in
            try db.execute(sql: """
                DROP TRIGGER listings_fts_insert;
                DROP TRIGGER listings_fts_delete;
                DROP TRIGGER listings_fts_update;
                DROP TABLE listings_fts;
                CREATE VIRTUAL TABLE listings_fts USING fts5(
                    title, tagline, description, category, tech_stack,
                    content='listings', content_rowid='seq',
                    tokenize='unicode61 remove_diacritics 2', prefix='2 3 4 5 6 7 8 9 10 11 12'
                );
                INSERT INTO listings_fts(rowid, title, tagline, description, category, tech_stack)
                    SELECT seq, title, tagline, description, category, tech_stack FROM listings WHERE status = 'active';
                CREATE TRIGGER listings_fts_insert AFTER INSERT ON listings WHEN new.status = 'active' BEGIN
                    INSERT INTO listings_fts(rowid, title, tagline, description, category, tech_stack)
                    VALUES (new.seq, new.title, new.tagline, new.description, new.category, new.tech_stack);
                END;
                CREATE TRIGGER listings_fts_delete AFTER DELETE ON listings WHEN old.status = 'active' BEGIN
                    INSERT INTO listings_fts(listings_fts, rowid, title, tagline, description, category, tech_stack)
                    VALUES ('delete', old.seq, old.title, old.tagline, old.description, old.category, old.tech_stack);
                END;
                CREATE TRIGGER listings_fts_update AFTER UPDATE OF title, tagline, description, category, tech_stack, status ON listings BEGIN
                    INSERT INTO listings_fts(listings_fts, rowid, title, tagline, description, category, tech_stack)
                    SELECT 'delete', old.seq, old.title, old.tagline, old.description, old.category, old.tech_stack WHERE old.status = 'active';
                    INSERT INTO listings_fts(rowid, title, tagline, description, category, tech_stack)
                    SELECT new.seq, new.title, new.tagline, new.description, new.category, new.tech_stack WHERE new.status = 'active';
                END;
                """)
        }
    }
}
