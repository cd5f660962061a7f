-- Notes staff attach to a issue, and the settings the workers read.
CREATE TABLE IF NOT EXISTS issue_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_issue_notes_issue_id ON issue_notes (issue_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'DevDigest'), ('schema_version', '3');
INSERT INTO issue_notes (issue_id, body) VALUES (1, 'Imported from the previous owner’s system.');
