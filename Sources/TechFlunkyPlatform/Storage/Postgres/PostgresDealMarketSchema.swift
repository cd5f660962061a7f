/// `pg_v5_deals_market_versions`: the SQLite engine's `v1_deals`, `v4_market` and `v4_listing_versions` on
/// PostgreSQL, column for column (timestamps BIGINT milliseconds, money BIGINT minor units). Offers and
/// notifications get an identity `seq` where SQLite orders by `rowid`/AUTOINCREMENT, so two rows written in the
/// same millisecond keep the order they were written in. A listing's first package version is recorded by a
/// trigger, as SQLite's `listing_versions_first` does, so every way a listing is made records it.
enum PostgresDealMarketSchema {
    static let migration = PostgresSchema.Migration(name: "pg_v5_deals_market_versions", statements: [
        // pg_v3 added `reserved_until`; which order's checkout holds the listing is the other half of a reservation.
        // IF NOT EXISTS: the orders migration before this one may have added them already (both need them).
        "ALTER TABLE listings ADD COLUMN IF NOT EXISTS reserved_order TEXT",
        "CREATE INDEX IF NOT EXISTS listings_reserved ON listings (reserved_until) WHERE reserved_until IS NOT NULL",
        """
        CREATE TABLE offers (
            seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
            id TEXT PRIMARY KEY,
            thread_id TEXT NOT NULL,
            listing_id TEXT NOT NULL REFERENCES listings(id),
            buyer_id TEXT NOT NULL REFERENCES accounts(id),
            seller_id TEXT NOT NULL REFERENCES accounts(id),
            from_party TEXT NOT NULL,
            currency TEXT NOT NULL,
            amount BIGINT NOT NULL,
            state TEXT NOT NULL,
            message TEXT,
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            responded_at BIGINT,
            previous_offer_id TEXT,
            order_id TEXT
        )
        """,
        "CREATE INDEX offers_buyer ON offers (buyer_id, created_at)",
        "CREATE INDEX offers_seller ON offers (seller_id, created_at)",
        "CREATE INDEX offers_thread ON offers (listing_id, buyer_id, created_at)",
        """
        CREATE TABLE questions (
            id TEXT PRIMARY KEY,
            listing_id TEXT NOT NULL REFERENCES listings(id),
            asker_id TEXT NOT NULL REFERENCES accounts(id),
            seller_id TEXT NOT NULL REFERENCES accounts(id),
            text TEXT NOT NULL,
            asked_at BIGINT NOT NULL,
            answer TEXT,
            answered_at BIGINT,
            published_at BIGINT
        )
        """,
        "CREATE INDEX questions_listing ON questions (listing_id, asked_at)",
        "CREATE INDEX questions_asker ON questions (asker_id, asked_at)",
        "CREATE INDEX questions_seller ON questions (seller_id, asked_at)",
        """
        CREATE TABLE watchlist (
            account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            listing_id TEXT NOT NULL REFERENCES listings(id) ON DELETE CASCADE,
            created_at BIGINT NOT NULL,
            PRIMARY KEY (account_id, listing_id)
        )
        """,
        "CREATE INDEX watchlist_listing ON watchlist (listing_id)",
        """
        CREATE TABLE saved_searches (
            id TEXT PRIMARY KEY,
            account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            q TEXT,
            category TEXT,
            min_price BIGINT,
            max_price BIGINT,
            created_at BIGINT NOT NULL,
            UNIQUE (account_id, name)
        )
        """,
        """
        CREATE TABLE notifications (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            message TEXT NOT NULL,
            listing_slug TEXT,
            listing_title TEXT,
            currency TEXT,
            old_price BIGINT,
            new_price BIGINT,
            reference_id TEXT,
            created_at BIGINT NOT NULL,
            read_at BIGINT
        )
        """,
        "CREATE INDEX notifications_account ON notifications (account_id, seq)",
        "CREATE INDEX notifications_unread ON notifications (account_id) WHERE read_at IS NULL",
        """
        CREATE TABLE listing_versions (
            listing_slug TEXT NOT NULL,
            version TEXT NOT NULL,
            changelog TEXT NOT NULL,
            published_at BIGINT NOT NULL,
            PRIMARY KEY (listing_slug, version)
        )
        """,
        """
        INSERT INTO listing_versions (listing_slug, version, changelog, published_at)
            SELECT slug, manifest::jsonb ->> 'version', '', created_at FROM listings WHERE manifest::jsonb ->> 'version' IS NOT NULL
        """,
        """
        CREATE FUNCTION listing_versions_first() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.manifest::jsonb ->> 'version' IS NOT NULL THEN
                INSERT INTO listing_versions (listing_slug, version, changelog, published_at)
                VALUES (NEW.slug, NEW.manifest::jsonb ->> 'version', '', NEW.created_at)
                ON CONFLICT (listing_slug, version) DO NOTHING;
            END IF;
            RETURN NEW;
        END
        $$
        """,
        """
        CREATE TRIGGER listing_versions_first AFTER INSERT ON listings
            FOR EACH ROW EXECUTE FUNCTION listing_versions_first()
        """,
    ])
}
