-- Notes staff attach to a advance, and the settings the workers read.
CREATE TABLE IF NOT EXISTS advance_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    advance_id INTEGER NOT NULL REFERENCES advances(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_advance_notes_advance_id ON advance_notes (advance_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'CashBridge'), ('schema_version', '3');
INSERT INTO advance_notes (advance_id, body) VALUES (1, 'Imported from the previous owner’s system.');
