-- Notes staff attach to a invoice, and the settings the workers read.
CREATE TABLE IF NOT EXISTS invoice_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    invoice_id INTEGER NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_invoice_notes_invoice_id ON invoice_notes (invoice_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'Invoicely'), ('schema_version', '3');
INSERT INTO invoice_notes (invoice_id, body) VALUES (1, 'Imported from the previous owner’s system.');
