-- ReceiptBot — expense capture by email: the expenses table.
CREATE TABLE IF NOT EXISTS expenses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    merchant TEXT NOT NULL,
    spent_on TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    category TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_expenses_merchant ON expenses (merchant);
CREATE INDEX IF NOT EXISTS idx_expenses_created_at ON expenses (created_at);
