-- Notes staff attach to a goal, and the settings the workers read.
CREATE TABLE IF NOT EXISTS goal_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    goal_id INTEGER NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_goal_notes_goal_id ON goal_notes (goal_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'CoinJar'), ('schema_version', '3');
INSERT INTO goal_notes (goal_id, body) VALUES (1, 'Imported from the previous owner’s system.');
