import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL engine's migrations, named and applied in order, each once, recorded in `schema_migrations`.
/// As with the SQLite migrator: add new ones at the end, never edit one that shipped. Instances starting at once
/// (a rolling restart) take a session advisory lock first, so one applies and the others find the work done.
/// Each migration runs in its own transaction with its record: it is applied whole or not at all.
///
/// Types follow the SQLite schema so both engines store the same values: timestamps are integer milliseconds
/// since 1970 (BIGINT; keyset cursors compare them exactly), money integer minor units (BIGINT) with a currency.
enum PostgresSchema {
    struct Migration: Sendable {
        var name: String
        /// One statement each: the extended query protocol takes one at a time.
        var statements: [String]
    }

    static let migrations: [Migration] = [
        Migration(name: "pg_v1_accounts", statements: [
            """
            CREATE TABLE accounts (
                id TEXT PRIMARY KEY,
                email TEXT NOT NULL,
                display_name TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                stripe_account_id TEXT UNIQUE,
                details_submitted BOOLEAN NOT NULL DEFAULT false,
                charges_enabled BOOLEAN NOT NULL DEFAULT false,
                payouts_enabled BOOLEAN NOT NULL DEFAULT false
            )
            """,
            // SQLite's `COLLATE NOCASE`: one account per email whatever its case.
            "CREATE UNIQUE INDEX accounts_email ON accounts (lower(email))",
            """
            CREATE TABLE sessions (
                token_hash TEXT PRIMARY KEY,
                account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                revoked_at BIGINT
            )
            """,
            "CREATE INDEX sessions_account ON sessions (account_id)",
        ]),
        // The catalog. `search` is the weighted document full-text search reads (title A, tagline B, category and
        // tech stack C, description D), kept by PostgreSQL itself; both GIN indexes hold active listings only, as
        // the SQLite engine's FTS index does. pg_trgm (a trusted extension: the database owner may create it)
        // gives typo tolerance over title and tagline.
        Migration(name: "pg_v2_catalog", statements: [
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            """
            CREATE TABLE listings (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                slug TEXT NOT NULL UNIQUE,
                seller_id TEXT NOT NULL REFERENCES accounts(id),
                title TEXT NOT NULL,
                tagline TEXT NOT NULL,
                description TEXT NOT NULL,
                category TEXT NOT NULL,
                currency TEXT NOT NULL,
                price BIGINT NOT NULL,
                revenue BIGINT NOT NULL,
                profit BIGINT NOT NULL,
                multiple DOUBLE PRECISION,
                age_months BIGINT NOT NULL,
                tech_stack TEXT NOT NULL,
                visitors BIGINT NOT NULL,
                status TEXT NOT NULL,
                manifest TEXT NOT NULL,
                assets TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                search tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('simple', title), 'A') ||
                    setweight(to_tsvector('simple', tagline), 'B') ||
                    setweight(to_tsvector('simple', category || ' ' || tech_stack), 'C') ||
                    setweight(to_tsvector('simple', description), 'D')
                ) STORED
            )
            """,
            "CREATE INDEX listings_search ON listings USING gin (search) WHERE status = 'active'",
            "CREATE INDEX listings_typos ON listings USING gin (lower(title || ' ' || tagline) gin_trgm_ops) WHERE status = 'active'",
            "CREATE INDEX listings_newest ON listings (status, created_at, seq)",
            "CREATE INDEX listings_price ON listings (status, price, seq)",
            "CREATE INDEX listings_revenue ON listings (status, revenue, seq)",
            "CREATE INDEX listings_profit ON listings (status, profit, seq)",
            "CREATE INDEX listings_multiple ON listings (status, multiple, seq)",
            "CREATE INDEX listings_category ON listings (status, category, created_at, seq)",
            "CREATE INDEX listings_seller ON listings (seller_id)",
        ]),
        // What the SQLite engine's later migrations added to a listing: its monthly history and the revenue
        // sparkline listing pages carry (v4_listing_history), and the end of a buyer's checkout reservation.
        Migration(name: "pg_v3_listing_history_reservation", statements: [
            "ALTER TABLE listings ADD COLUMN history TEXT, ADD COLUMN revenue_sparkline TEXT, ADD COLUMN reserved_until BIGINT",
        ]),
        // Orders with their payment facts and payout holds (SQLite's v1_orders and v5_order_release_claims), processed
        // Stripe events and idempotency keys. `release_claimed_by/until` is a release scheduler's claim on a due hold
        // (PostgresOrderStore.claimDueHolds); the partial index serves the scan for due holds. A listing's reservation
        // names its order (SQLite's v4_market): IF NOT EXISTS, as the market's own migration may add it too.
        Migration(name: "pg_v4_orders", statements: [
            """
            CREATE TABLE orders (
                id TEXT PRIMARY KEY,
                listing_id TEXT NOT NULL,
                listing_slug TEXT NOT NULL,
                listing_title TEXT NOT NULL,
                buyer_id TEXT NOT NULL REFERENCES accounts(id),
                seller_id TEXT NOT NULL REFERENCES accounts(id),
                currency TEXT NOT NULL,
                amount BIGINT NOT NULL,
                fee BIGINT NOT NULL,
                seller_share BIGINT NOT NULL,
                state TEXT NOT NULL,
                checkout_session_id TEXT UNIQUE,
                checkout_url TEXT,
                session_expires_at BIGINT,
                payment_intent_id TEXT,
                charge_id TEXT,
                created_at BIGINT NOT NULL,
                paid_at BIGINT,
                hold_until BIGINT,
                hold_frozen_reason TEXT,
                refunded_at BIGINT,
                disputed_at BIGINT,
                expired_at BIGINT,
                released_at BIGINT,
                transfer_id TEXT,
                updated_at BIGINT NOT NULL,
                release_claimed_by TEXT,
                release_claimed_until BIGINT
            )
            """,
            "CREATE INDEX orders_buyer ON orders (buyer_id, created_at)",
            "CREATE INDEX orders_seller ON orders (seller_id, created_at)",
            "CREATE INDEX orders_listing_buyer ON orders (listing_id, buyer_id)",
            "CREATE INDEX orders_due ON orders (state, hold_until)",
            "CREATE INDEX orders_payment_intent ON orders (payment_intent_id)",
            "CREATE INDEX orders_charge ON orders (charge_id)",
            """
            CREATE INDEX orders_releasable ON orders (hold_until, id)
            WHERE paid_at IS NOT NULL AND released_at IS NULL AND refunded_at IS NULL AND disputed_at IS NULL
            """,
            """
            CREATE TABLE idempotency_keys (
                account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                key TEXT NOT NULL,
                request_hash TEXT NOT NULL,
                response_status BIGINT,
                response_body BYTEA,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                PRIMARY KEY (account_id, key)
            )
            """,
            """
            CREATE TABLE stripe_events (
                id TEXT PRIMARY KEY,
                type TEXT NOT NULL,
                received_at BIGINT NOT NULL
            )
            """,
            "ALTER TABLE listings ADD COLUMN IF NOT EXISTS reserved_order TEXT",
        ]),
        PostgresDealMarketSchema.migration,
        // Deployments (`PostgresDeploymentStore`), as the SQLite engine's deployments-v1…v3: the snapshot, its steps and
        // resources, the numbered event log SSE replays (primary key `(deployment_id, seq)`: no duplicate or reordered
        // number), and the lease of the instance running it. No column holds a Cloudflare token.
        Migration(name: "pg_v6_deployments", statements: [
            """
            CREATE TABLE deployments (
                id TEXT PRIMARY KEY,
                order_id TEXT NOT NULL,
                buyer_id TEXT NOT NULL,
                listing_slug TEXT NOT NULL,
                account_id TEXT NOT NULL,
                domain TEXT,
                namespace TEXT,
                state TEXT NOT NULL,
                url TEXT,
                last_message TEXT,
                last_event_id BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                package_version TEXT,
                update_of TEXT,
                lease_owner TEXT,
                lease_expires_at BIGINT
            )
            """,
            "CREATE INDEX deployments_order ON deployments (order_id)",
            "CREATE INDEX deployments_state ON deployments (state)",
            "CREATE INDEX deployments_buyer ON deployments (buyer_id)",
            """
            CREATE TABLE deployment_steps (
                deployment_id TEXT NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
                position BIGINT NOT NULL,
                kind TEXT NOT NULL,
                state TEXT NOT NULL,
                started_at BIGINT,
                finished_at BIGINT,
                message TEXT,
                error_code BIGINT,
                log TEXT NOT NULL,
                PRIMARY KEY (deployment_id, position)
            )
            """,
            """
            CREATE TABLE deployment_resources (
                deployment_id TEXT NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
                position BIGINT NOT NULL,
                kind TEXT NOT NULL,
                resource_id TEXT NOT NULL,
                name TEXT NOT NULL,
                created BOOLEAN NOT NULL,
                step TEXT NOT NULL,
                PRIMARY KEY (deployment_id, position)
            )
            """,
            """
            CREATE TABLE deployment_events (
                deployment_id TEXT NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
                seq BIGINT NOT NULL,
                kind TEXT NOT NULL,
                at BIGINT NOT NULL,
                body TEXT NOT NULL,
                PRIMARY KEY (deployment_id, seq)
            )
            """,
        ]),
        // What several instances on one database tell each other (`PostgresChangeFeed` listens). Triggers, so every
        // writer — each store, `admin copy`, a person with psql — is covered; NOTIFY is sent at commit (never for a
        // rolled-back change) and repeats of one payload in a transaction are sent once.
        // - `catalog_changed`: any write to `listings`, or to a seller's `display_name` (listing pages show it).
        // - `notifications_changed`, payload the account id: a notification added or marked read. The table comes
        //   with `pg_v5_deals_market_versions`, which runs before this migration; the trigger is attached only
        //   where the table exists, so a database migrated without it still gets the catalog half.
        Migration(name: "pg_v7_platform", statements: [
            """
            CREATE FUNCTION techflunky_catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('catalog_changed', '');
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE TRIGGER listings_catalog_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON listings
                FOR EACH STATEMENT EXECUTE FUNCTION techflunky_catalog_changed()
            """,
            """
            CREATE TRIGGER accounts_catalog_changed AFTER UPDATE OF display_name ON accounts
                FOR EACH STATEMENT EXECUTE FUNCTION techflunky_catalog_changed()
            """,
            """
            CREATE FUNCTION techflunky_notifications_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('notifications_changed', NEW.account_id);
                RETURN NULL;
            END
            $$
            """,
            """
            DO $$
            BEGIN
                IF to_regclass('notifications') IS NOT NULL THEN
                    CREATE TRIGGER notifications_changed AFTER INSERT OR UPDATE ON notifications
                        FOR EACH ROW EXECUTE FUNCTION techflunky_notifications_changed();
                END IF;
            END
            $$
            """,
        ]),
        // pg_v1's `lower(email)` folded every letter by the database's locale (É and é one account), where SQLite's
        // `COLLATE NOCASE` folds A-Z only: one account per email whatever the case of its ASCII letters, as on SQLite.
        Migration(name: "pg_v8_account_email_ascii_fold", statements: [
            "DROP INDEX accounts_email",
            "CREATE UNIQUE INDEX accounts_email ON accounts (\(asciiFolded("email")))",
        ]),
        // Search ignores accents, as SQLite's FTS5 (`remove_diacritics 2`) does: `cafe` finds "Café Finder" and
        // `café` finds "Cafe Planner". unaccent is contrib's (a trusted extension since PostgreSQL 13: the database
        // owner may create it); `techflunky_unaccent` is an IMMUTABLE wrapper naming its dictionary and function by
        // the extension's schema, so generated columns and indexes may call it whatever the search_path. The stored
        // document is regenerated through it (PostgreSQL 15 cannot alter a generated expression: dropped and added
        // again), and the typo index is rebuilt over the folded title and tagline; queries fold their words alike
        // (`PostgresCatalogStore.folded`).
        Migration(name: "pg_v9_search_unaccent", statements: [
            "CREATE EXTENSION IF NOT EXISTS unaccent",
            """
            DO $do$
            DECLARE s text;
            BEGIN
                SELECT n.nspname INTO STRICT s FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent';
                EXECUTE format('CREATE OR REPLACE FUNCTION techflunky_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS %L',
                               format('SELECT %I.unaccent(%L::regdictionary, $1)', s, quote_ident(s) || '.unaccent'));
            END
            $do$
            """,
            "DROP INDEX listings_search",
            "DROP INDEX listings_typos",
            "ALTER TABLE listings DROP COLUMN search",
            """
            ALTER TABLE listings ADD COLUMN search tsvector GENERATED ALWAYS AS (
                setweight(to_tsvector('simple', techflunky_unaccent(title)), 'A') ||
                setweight(to_tsvector('simple', techflunky_unaccent(tagline)), 'B') ||
                setweight(to_tsvector('simple', techflunky_unaccent(category || ' ' || tech_stack)), 'C') ||
                setweight(to_tsvector('simple', techflunky_unaccent(description)), 'D')
            ) STORED
            """,
            "CREATE INDEX listings_search ON listings USING gin (search) WHERE status = 'active'",
            "CREATE INDEX listings_typos ON listings USING gin (techflunky_unaccent(lower(title || ' ' || tagline)) gin_trgm_ops) WHERE status = 'active'",
            "ANALYZE listings",
        ]),
    ]

    /// `column` with the ASCII letters A-Z lower-cased and nothing else changed: SQLite's `NOCASE`. lower() folds
    /// by the database's locale; compare the result under `COLLATE "C"` for NOCASE's byte order.
    static func asciiFolded(_ column: String) -> String {
        "translate(\(column), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
    }

    /// An arbitrary constant: the advisory lock that serialises migrating instances.
    static let migrationLockKey: Int64 = 0x7465_6368_666C_756E  // "techflun"

    /// Applies every pending migration over one direct connection; throws `PostgresEngineError`.
    /// Returns the names it applied (empty when the database was up to date).
    @discardableResult
    static func migrate(url: PostgresURL, logger: Logger, migrations: [Migration] = migrations) async throws -> [String] {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connectUnlessCancelled(configuration: try url.connectionConfiguration(), id: 0, logger: logger)
        } catch {
            throw PostgresEngineError.connect(url: url, error)
        }
        do {
            let applied = try await migrate(on: connection, url: url, logger: logger, migrations: migrations)
            try? await connection.close()
            return applied
        } catch {
            try? await connection.close()
            throw error
        }
    }

    private static func migrate(on connection: PostgresConnection, url: PostgresURL, logger: Logger, migrations: [Migration]) async throws -> [String] {
        func run(_ query: PostgresQuery) async throws -> [PostgresRow] {
            var rows: [PostgresRow] = []
            for try await row in try await connection.query(query, logger: logger) { rows.append(row) }
            return rows
        }
        do {
            _ = try await run("SELECT pg_advisory_lock(\(migrationLockKey))")
            _ = try await run("""
                CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)
                """)
        } catch {
            throw PostgresEngineError.migration(name: "schema_migrations", url: url, error)
        }
        var done: Set<String> = []
        do {
            for row in try await run("SELECT name FROM schema_migrations") { done.insert(try row.decode(String.self)) }
        } catch {
            throw PostgresEngineError.migration(name: "schema_migrations", url: url, error)
        }
        var applied: [String] = []
        for migration in migrations where !done.contains(migration.name) {
            do {
                _ = try await run("BEGIN")
                do {
                    for statement in migration.statements { _ = try await run(PostgresQuery(unsafeSQL: statement)) }
                    let now = StoredTime.encode(Date())
                    _ = try await run("INSERT INTO schema_migrations (name, applied_at) VALUES (\(migration.name), \(now))")
                    _ = try await run("COMMIT")
                } catch {
                    _ = try? await run("ROLLBACK")
                    throw error
                }
            } catch {
                _ = try? await run("SELECT pg_advisory_unlock(\(migrationLockKey))")
                throw PostgresEngineError.migration(name: migration.name, url: url, error)
            }
            logger.info("applied PostgreSQL migration", metadata: ["migration": "\(migration.name)"])
            applied.append(migration.name)
        }
        _ = try? await run("SELECT pg_advisory_unlock(\(migrationLockKey))")
        return applied
    }
}
