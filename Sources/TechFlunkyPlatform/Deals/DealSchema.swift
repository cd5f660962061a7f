import GRDB

/// Offers and questions between buyers and sellers (registered after the deployment migrations; see
/// `PlatformDatabase.migrator`). Listing text, prices and names are joined in when read, so an offer always
/// shows the listing as it is now; the amount offered is the offer's own.
enum DealSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1_deals") { db in
            try db.execute(sql: """
                CREATE TABLE offers (
                    id TEXT PRIMARY KEY NOT NULL,
                    thread_id TEXT NOT NULL,
                    listing_id TEXT NOT NULL REFERENCES listings(id),
                    buyer_id TEXT NOT NULL REFERENCES accounts(id),
                    seller_id TEXT NOT NULL REFERENCES accounts(id),
                    from_party TEXT NOT NULL,
                    currency TEXT NOT NULL,
                    amount INTEGER NOT NULL,
                    state TEXT NOT NULL,
                    message TEXT,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    responded_at INTEGER,
                    previous_offer_id TEXT,
                    order_id TEXT
                );
                CREATE INDEX offers_buyer ON offers(buyer_id, created_at);
                CREATE INDEX offers_seller ON offers(seller_id, created_at);
                CREATE INDEX offers_thread ON offers(listing_id, buyer_id, created_at);
                CREATE TABLE questions (
                    id TEXT PRIMARY KEY NOT NULL,
                    listing_id TEXT NOT NULL REFERENCES listings(id),
                    asker_id TEXT NOT NULL REFERENCES accounts(id),
                    seller_id TEXT NOT NULL REFERENCES accounts(id),
                    text TEXT NOT NULL,
                    asked_at INTEGER NOT NULL,
                    answer TEXT,
                    answered_at INTEGER,
                    published_at INTEGER
                );
                CREATE INDEX questions_listing ON questions(listing_id, asked_at);
                CREATE INDEX questions_asker ON questions(asker_id, asked_at);
                CREATE INDEX questions_seller ON questions(seller_id, asked_at);
                """)
        }
    }
}
