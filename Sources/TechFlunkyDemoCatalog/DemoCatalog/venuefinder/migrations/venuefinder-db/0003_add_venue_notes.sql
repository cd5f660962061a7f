-- Notes staff attach to a venue, and the settings the workers read.
CREATE TABLE IF NOT EXISTS venue_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    venue_id INTEGER NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_venue_notes_venue_id ON venue_notes (venue_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'VenueFinder'), ('schema_version', '3');
INSERT INTO venue_notes (venue_id, body) VALUES (1, 'Imported from the previous owner’s system.');
