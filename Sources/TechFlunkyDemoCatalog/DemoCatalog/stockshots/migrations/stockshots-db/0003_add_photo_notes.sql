-- Notes staff attach to a photo, and the settings the workers read.
CREATE TABLE IF NOT EXISTS photo_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_photo_notes_photo_id ON photo_notes (photo_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'StockShots'), ('schema_version', '3');
INSERT INTO photo_notes (photo_id, body) VALUES (1, 'Imported from the previous owner’s system.');
