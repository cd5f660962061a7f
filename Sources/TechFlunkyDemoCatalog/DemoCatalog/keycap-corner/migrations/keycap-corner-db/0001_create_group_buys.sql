-- Keycap Corner — mechanical keyboard parts shop: the group_buys table.
CREATE TABLE IF NOT EXISTS group_buys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    design TEXT NOT NULL,
    pledges INTEGER NOT NULL,
    target INTEGER NOT NULL,
    closes_on TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_group_buys_design ON group_buys (design);
CREATE INDEX IF NOT EXISTS idx_group_buys_created_at ON group_buys (created_at);
