-- Notes staff attach to a group_buy, and the settings the workers read.
CREATE TABLE IF NOT EXISTS group_buy_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    group_buy_id INTEGER NOT NULL REFERENCES group_buys(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_group_buy_notes_group_buy_id ON group_buy_notes (group_buy_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'Keycap Corner'), ('schema_version', '3');
INSERT INTO group_buy_notes (group_buy_id, body) VALUES (1, 'Imported from the previous owner’s system.');
