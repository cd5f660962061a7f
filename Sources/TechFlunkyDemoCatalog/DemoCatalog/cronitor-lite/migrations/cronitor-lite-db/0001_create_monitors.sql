-- CronWatch — cron job monitoring: the monitors table.
CREATE TABLE IF NOT EXISTS monitors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    schedule TEXT NOT NULL,
    grace_seconds INTEGER NOT NULL,
    last_ping_at TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_monitors_name ON monitors (name);
CREATE INDEX IF NOT EXISTS idx_monitors_created_at ON monitors (created_at);
