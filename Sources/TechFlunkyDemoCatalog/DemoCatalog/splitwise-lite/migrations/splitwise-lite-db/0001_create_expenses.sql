-- SplitEasy — shared expenses for groups: the expenses table.
CREATE TABLE IF NOT EXISTS expenses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    group_name TEXT NOT NULL,
    paid_by TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    note TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_expenses_group_name ON expenses (group_name);
CREATE INDEX IF NOT EXISTS idx_expenses_created_at ON expenses (created_at);
