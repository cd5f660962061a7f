-- Notes staff attach to a developer, and the settings the workers read.
CREATE TABLE IF NOT EXISTS developer_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    developer_id INTEGER NOT NULL REFERENCES developers(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_developer_notes_developer_id ON developer_notes (developer_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'Freelance Fleet'), ('schema_version', '3');
INSERT INTO developer_notes (developer_id, body) VALUES (1, 'Imported from the previous owner’s system.');
