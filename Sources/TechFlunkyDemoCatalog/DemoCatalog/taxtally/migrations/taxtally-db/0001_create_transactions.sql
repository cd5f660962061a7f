-- TaxTally — quarterly tax estimates for freelancers: the transactions table.
CREATE TABLE IF NOT EXISTS transactions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    description TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    category TEXT,
    booked_on TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_transactions_description ON transactions (description);
CREATE INDEX IF NOT EXISTS idx_transactions_created_at ON transactions (created_at);
