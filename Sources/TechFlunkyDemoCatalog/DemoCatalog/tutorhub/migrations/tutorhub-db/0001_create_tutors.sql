-- TutorHub — local tutoring marketplace: the tutors table.
CREATE TABLE IF NOT EXISTS tutors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    subject TEXT NOT NULL,
    hourly_cents INTEGER NOT NULL CHECK (hourly_cents >= 0),
    rating REAL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_tutors_subject ON tutors (subject);
CREATE INDEX IF NOT EXISTS idx_tutors_created_at ON tutors (created_at);
