-- LogLeaf — lightweight log search: the log_lines table.
CREATE TABLE IF NOT EXISTS log_lines (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    service TEXT NOT NULL,
    level TEXT NOT NULL,
    message TEXT NOT NULL,
    logged_at TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_log_lines_message ON log_lines (message);
CREATE INDEX IF NOT EXISTS idx_log_lines_created_at ON log_lines (created_at);
