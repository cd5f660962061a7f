-- Notes staff attach to a poster, and the settings the workers read.
CREATE TABLE IF NOT EXISTS poster_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    poster_id INTEGER NOT NULL REFERENCES posters(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_poster_notes_poster_id ON poster_notes (poster_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'PrintPeak'), ('schema_version', '3');
INSERT INTO poster_notes (poster_id, body) VALUES (1, 'Imported from the previous owner’s system.');
