-- Notes staff attach to a route, and the settings the workers read.
CREATE TABLE IF NOT EXISTS route_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    route_id INTEGER NOT NULL REFERENCES routes(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_route_notes_route_id ON route_notes (route_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'TrailNotes'), ('schema_version', '3');
INSERT INTO route_notes (route_id, body) VALUES (1, 'Imported from the previous owner’s system.');
