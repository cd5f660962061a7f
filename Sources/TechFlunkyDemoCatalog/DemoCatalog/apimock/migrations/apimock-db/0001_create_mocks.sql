-- APIMock — hosted mock APIs: the mocks table.
CREATE TABLE IF NOT EXISTS mocks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    spec_key TEXT NOT NULL,
    latency_ms INTEGER NOT NULL,
    requests INTEGER NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_mocks_name ON mocks (name);
CREATE INDEX IF NOT EXISTS idx_mocks_created_at ON mocks (created_at);
