-- Freelance Fleet — vetted developer marketplace: the developers table.
CREATE TABLE IF NOT EXISTS developers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    skills TEXT NOT NULL,
    day_rate_cents INTEGER NOT NULL CHECK (day_rate_cents >= 0),
    available_from TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_developers_skills ON developers (skills);
CREATE INDEX IF NOT EXISTS idx_developers_created_at ON developers (created_at);
