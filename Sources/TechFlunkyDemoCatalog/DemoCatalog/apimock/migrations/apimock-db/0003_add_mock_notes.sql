-- Notes staff attach to a mock, and the settings the workers read.
CREATE TABLE IF NOT EXISTS mock_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    mock_id INTEGER NOT NULL REFERENCES mocks(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_mock_notes_mock_id ON mock_notes (mock_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'APIMock'), ('schema_version', '3');
INSERT INTO mock_notes (mock_id, body) VALUES (1, 'Imported from the previous owner’s system.');
