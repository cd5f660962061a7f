-- Notes staff attach to a shift, and the settings the workers read.
CREATE TABLE IF NOT EXISTS shift_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    shift_id INTEGER NOT NULL REFERENCES shifts(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_shift_notes_shift_id ON shift_notes (shift_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'ShiftBoard'), ('schema_version', '3');
INSERT INTO shift_notes (shift_id, body) VALUES (1, 'Imported from the previous owner’s system.');
