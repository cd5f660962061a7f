-- Notes staff attach to a post, and the settings the workers read.
CREATE TABLE IF NOT EXISTS post_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_post_notes_post_id ON post_notes (post_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'PostPlanner'), ('schema_version', '3');
INSERT INTO post_notes (post_id, body) VALUES (1, 'Imported from the previous owner’s system.');
