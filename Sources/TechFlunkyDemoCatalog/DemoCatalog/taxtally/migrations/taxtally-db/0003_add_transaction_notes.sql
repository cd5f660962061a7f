-- Notes staff attach to a transaction, and the settings the workers read.
CREATE TABLE IF NOT EXISTS transaction_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    transaction_id INTEGER NOT NULL REFERENCES transactions(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_transaction_notes_transaction_id ON transaction_notes (transaction_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'TaxTally'), ('schema_version', '3');
INSERT INTO transaction_notes (transaction_id, body) VALUES (1, 'Imported from the previous owner’s system.');
