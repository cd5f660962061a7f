-- Notes staff attach to a image, and the settings the workers read.
CREATE TABLE IF NOT EXISTS image_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_image_notes_image_id ON image_notes (image_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'AltText AI'), ('schema_version', '3');
INSERT INTO image_notes (image_id, body) VALUES (1, 'Imported from the previous owner’s system.');
