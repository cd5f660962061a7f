-- Café Capsule — compostable coffee pods: the blends table.
CREATE TABLE IF NOT EXISTS blends (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    roast TEXT NOT NULL,
    intensity INTEGER NOT NULL,
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_blends_name ON blends (name);
CREATE INDEX IF NOT EXISTS idx_blends_created_at ON blends (created_at);
