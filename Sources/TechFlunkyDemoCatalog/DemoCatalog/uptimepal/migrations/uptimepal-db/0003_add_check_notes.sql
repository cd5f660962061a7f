-- Notes staff attach to a check, and the settings the workers read.
CREATE TABLE IF NOT EXISTS check_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    check_id INTEGER NOT NULL REFERENCES checks(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_check_notes_check_id ON check_notes (check_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'UptimePal'), ('schema_version', '3');
INSERT INTO check_notes (check_id, body) VALUES (1, 'Imported from the previous owner’s system.');
