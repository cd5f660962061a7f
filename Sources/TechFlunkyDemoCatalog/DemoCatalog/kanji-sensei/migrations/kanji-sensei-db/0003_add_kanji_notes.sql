-- Notes staff attach to a kanji, and the settings the workers read.
CREATE TABLE IF NOT EXISTS kanji_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kanji_id INTEGER NOT NULL REFERENCES kanji(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_kanji_notes_kanji_id ON kanji_notes (kanji_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'Kanji Sensei 漢字'), ('schema_version', '3');
INSERT INTO kanji_notes (kanji_id, body) VALUES (1, 'Imported from the previous owner’s system.');
