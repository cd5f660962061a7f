-- Notes staff attach to a submission, and the settings the workers read.
CREATE TABLE IF NOT EXISTS submission_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_submission_notes_submission_id ON submission_notes (submission_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'FormFox'), ('schema_version', '3');
INSERT INTO submission_notes (submission_id, body) VALUES (1, 'Imported from the previous owner’s system.');
