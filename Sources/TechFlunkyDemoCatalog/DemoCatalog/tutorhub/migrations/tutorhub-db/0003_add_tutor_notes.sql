-- Notes staff attach to a tutor, and the settings the workers read.
CREATE TABLE IF NOT EXISTS tutor_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tutor_id INTEGER NOT NULL REFERENCES tutors(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_tutor_notes_tutor_id ON tutor_notes (tutor_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'TutorHub'), ('schema_version', '3');
INSERT INTO tutor_notes (tutor_id, body) VALUES (1, 'Imported from the previous owner’s system.');
