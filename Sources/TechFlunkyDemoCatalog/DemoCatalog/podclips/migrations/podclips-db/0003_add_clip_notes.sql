-- Notes staff attach to a clip, and the settings the workers read.
CREATE TABLE IF NOT EXISTS clip_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    clip_id INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_clip_notes_clip_id ON clip_notes (clip_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'PodClips'), ('schema_version', '3');
INSERT INTO clip_notes (clip_id, body) VALUES (1, 'Imported from the previous owner’s system.');
