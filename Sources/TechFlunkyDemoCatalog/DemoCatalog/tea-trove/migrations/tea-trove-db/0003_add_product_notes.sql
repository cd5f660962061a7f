-- Notes staff attach to a product, and the settings the workers read.
CREATE TABLE IF NOT EXISTS product_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_product_notes_product_id ON product_notes (product_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'Tea Trove'), ('schema_version', '3');
INSERT INTO product_notes (product_id, body) VALUES (1, 'Imported from the previous owner’s system.');
