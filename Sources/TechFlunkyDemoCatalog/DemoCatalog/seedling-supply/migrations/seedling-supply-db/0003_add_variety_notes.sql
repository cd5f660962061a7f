-- Notes staff attach to a variety, and the settings the workers read.
CREATE TABLE IF NOT EXISTS variety_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    variety_id INTEGER NOT NULL REFERENCES varieties(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_variety_notes_variety_id ON variety_notes (variety_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'Seedling Supply'), ('schema_version', '3');
INSERT INTO variety_notes (variety_id, body) VALUES (1, 'Imported from the previous owner’s system.');
