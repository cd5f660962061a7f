-- FlagPole — feature flags at the edge: the flags table.
CREATE TABLE IF NOT EXISTS flags (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    description TEXT,
    rollout_percent INTEGER NOT NULL,
    enabled INTEGER NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_flags_key ON flags (key);
CREATE INDEX IF NOT EXISTS idx_flags_created_at ON flags (created_at);
