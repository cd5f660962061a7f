-- Guitar Grooves — video guitar lessons: the lessons table.
CREATE TABLE IF NOT EXISTS lessons (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    level TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    has_tab INTEGER NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_lessons_title ON lessons (title);
CREATE INDEX IF NOT EXISTS idx_lessons_created_at ON lessons (created_at);
