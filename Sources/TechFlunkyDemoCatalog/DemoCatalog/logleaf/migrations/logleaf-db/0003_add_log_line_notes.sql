-- Notes staff attach to a log_line, and the settings the workers read.
CREATE TABLE IF NOT EXISTS log_line_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    log_line_id INTEGER NOT NULL REFERENCES log_lines(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_log_line_notes_log_line_id ON log_line_notes (log_line_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'LogLeaf'), ('schema_version', '3');
INSERT INTO log_line_notes (log_line_id, body) VALUES (1, 'Imported from the previous owner’s system.');
