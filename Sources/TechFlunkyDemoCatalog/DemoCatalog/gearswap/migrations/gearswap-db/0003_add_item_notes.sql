-- Notes staff attach to a item, and the settings the workers read.
CREATE TABLE IF NOT EXISTS item_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_item_notes_item_id ON item_notes (item_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'GearSwap'), ('schema_version', '3');
INSERT INTO item_notes (item_id, body) VALUES (1, 'Imported from the previous owner’s system.');
