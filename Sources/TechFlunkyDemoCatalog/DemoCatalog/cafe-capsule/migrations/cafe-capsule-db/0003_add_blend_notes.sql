-- Notes staff attach to a blend, and the settings the workers read.
CREATE TABLE IF NOT EXISTS blend_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    blend_id INTEGER NOT NULL REFERENCES blends(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_blend_notes_blend_id ON blend_notes (blend_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'Café Capsule'), ('schema_version', '3');
INSERT INTO blend_notes (blend_id, body) VALUES (1, 'Imported from the previous owner’s system.');
