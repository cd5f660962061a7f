-- UptimePal — website monitoring and status pages: the checks table.
CREATE TABLE IF NOT EXISTS checks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL,
    interval_seconds INTEGER NOT NULL,
    last_status INTEGER,
    last_latency_ms INTEGER,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_checks_url ON checks (url);
CREATE INDEX IF NOT EXISTS idx_checks_created_at ON checks (created_at);
