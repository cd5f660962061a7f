-- TrailNotes — hiking route guides: the routes table.
CREATE TABLE IF NOT EXISTS routes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    region TEXT NOT NULL,
    distance_km REAL NOT NULL,
    ascent_m INTEGER NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_routes_name ON routes (name);
CREATE INDEX IF NOT EXISTS idx_routes_created_at ON routes (created_at);
