-- Notes staff attach to a course, and the settings the workers read.
CREATE TABLE IF NOT EXISTS course_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id INTEGER NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_course_notes_course_id ON course_notes (course_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'CodeCamp Mini'), ('schema_version', '3');
INSERT INTO course_notes (course_id, body) VALUES (1, 'Imported from the previous owner’s system.');
