-- Seedling Supply — heirloom seed shop: the varieties table.
CREATE TABLE IF NOT EXISTS varieties (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    crop TEXT NOT NULL,
    days_to_harvest INTEGER NOT NULL,
    packet_cents INTEGER NOT NULL CHECK (packet_cents >= 0),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_varieties_name ON varieties (name);
CREATE INDEX IF NOT EXISTS idx_varieties_created_at ON varieties (created_at);
