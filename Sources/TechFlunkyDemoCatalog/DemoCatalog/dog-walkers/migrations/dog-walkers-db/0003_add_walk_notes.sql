-- Notes staff attach to a walk, and the settings the workers read.
CREATE TABLE IF NOT EXISTS walk_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    walk_id INTEGER NOT NULL REFERENCES walks(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_walk_notes_walk_id ON walk_notes (walk_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'WalkieTalkie'), ('schema_version', '3');
INSERT INTO walk_notes (walk_id, body) VALUES (1, 'Imported from the previous owner’s system.');
