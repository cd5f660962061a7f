-- Notes staff attach to a flag, and the settings the workers read.
CREATE TABLE IF NOT EXISTS flag_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    flag_id INTEGER NOT NULL REFERENCES flags(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_flag_notes_flag_id ON flag_notes (flag_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'FlagPole'), ('schema_version', '3');
INSERT INTO flag_notes (flag_id, body) VALUES (1, 'Imported from the previous owner’s system.');
