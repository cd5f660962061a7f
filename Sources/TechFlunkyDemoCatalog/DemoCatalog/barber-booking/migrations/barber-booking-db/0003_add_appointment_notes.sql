-- Notes staff attach to a appointment, and the settings the workers read.
CREATE TABLE IF NOT EXISTS appointment_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    appointment_id INTEGER NOT NULL REFERENCES appointments(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_appointment_notes_appointment_id ON appointment_notes (appointment_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'ChairTime'), ('schema_version', '3');
INSERT INTO appointment_notes (appointment_id, body) VALUES (1, 'Imported from the previous owner’s system.');
