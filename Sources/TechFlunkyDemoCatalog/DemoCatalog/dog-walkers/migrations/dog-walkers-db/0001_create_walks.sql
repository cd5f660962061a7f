-- WalkieTalkie — dog-walking business software: the walks table.
CREATE TABLE IF NOT EXISTS walks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dog TEXT NOT NULL,
    walker TEXT NOT NULL,
    walked_on TEXT NOT NULL,
    km REAL NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_walks_dog ON walks (dog);
CREATE INDEX IF NOT EXISTS idx_walks_created_at ON walks (created_at);
