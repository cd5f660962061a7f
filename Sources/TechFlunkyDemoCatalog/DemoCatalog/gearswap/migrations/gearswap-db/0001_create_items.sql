-- GearSwap — used outdoor gear marketplace: the items table.
CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    condition TEXT NOT NULL,
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    seller TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_items_title ON items (title);
CREATE INDEX IF NOT EXISTS idx_items_created_at ON items (created_at);
