-- Notes staff attach to a dish, and the settings the workers read.
CREATE TABLE IF NOT EXISTS dish_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dish_id INTEGER NOT NULL REFERENCES dishes(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_dish_notes_dish_id ON dish_notes (dish_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'MenuQR'), ('schema_version', '3');
INSERT INTO dish_notes (dish_id, body) VALUES (1, 'Imported from the previous owner’s system.');
