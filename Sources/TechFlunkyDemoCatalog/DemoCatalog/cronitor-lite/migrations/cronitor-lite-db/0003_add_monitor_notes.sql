-- Notes staff attach to a monitor, and the settings the workers read.
CREATE TABLE IF NOT EXISTS monitor_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    monitor_id INTEGER NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_monitor_notes_monitor_id ON monitor_notes (monitor_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'CronWatch'), ('schema_version', '3');
INSERT INTO monitor_notes (monitor_id, body) VALUES (1, 'Imported from the previous owner’s system.');
