-- FormFox — forms and surveys with logic: the submissions table.
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    form_slug TEXT NOT NULL,
    email TEXT,
    answers_json TEXT NOT NULL,
    score INTEGER,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_submissions_form_slug ON submissions (form_slug);
CREATE INDEX IF NOT EXISTS idx_submissions_created_at ON submissions (created_at);
