-- CoinJar — round-up savings goals: the goals table.
CREATE TABLE IF NOT EXISTS goals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    member TEXT NOT NULL,
    name TEXT NOT NULL,
    target_cents INTEGER NOT NULL CHECK (target_cents >= 0),
    saved_cents INTEGER NOT NULL CHECK (saved_cents >= 0),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_goals_name ON goals (name);
CREATE INDEX IF NOT EXISTS idx_goals_created_at ON goals (created_at);
