-- Notes staff attach to a expense, and the settings the workers read.
CREATE TABLE IF NOT EXISTS expense_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    expense_id INTEGER NOT NULL REFERENCES expenses(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_expense_notes_expense_id ON expense_notes (expense_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'ReceiptBot'), ('schema_version', '3');
INSERT INTO expense_notes (expense_id, body) VALUES (1, 'Imported from the previous owner’s system.');
