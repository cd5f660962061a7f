-- CashBridge — invoice financing for agencies: the advances table.
CREATE TABLE IF NOT EXISTS advances (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agency TEXT NOT NULL,
    invoice_cents INTEGER NOT NULL CHECK (invoice_cents >= 0),
    advanced_cents INTEGER NOT NULL CHECK (advanced_cents >= 0),
    status TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_advances_agency ON advances (agency);
CREATE INDEX IF NOT EXISTS idx_advances_created_at ON advances (created_at);
