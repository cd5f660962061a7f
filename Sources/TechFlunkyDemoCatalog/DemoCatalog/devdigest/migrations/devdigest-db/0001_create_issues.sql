-- DevDigest — weekly newsletter for web developers: the issues table.
CREATE TABLE IF NOT EXISTS issues (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    number INTEGER NOT NULL,
    subject TEXT NOT NULL,
    sent_on TEXT NOT NULL,
    open_rate REAL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_issues_subject ON issues (subject);
CREATE INDEX IF NOT EXISTS idx_issues_created_at ON issues (created_at);
