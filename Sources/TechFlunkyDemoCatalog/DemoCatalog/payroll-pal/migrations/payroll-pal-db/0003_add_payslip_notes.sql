-- Notes staff attach to a payslip, and the settings the workers read.
CREATE TABLE IF NOT EXISTS payslip_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    payslip_id INTEGER NOT NULL REFERENCES payslips(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_payslip_notes_payslip_id ON payslip_notes (payslip_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'PayrollPal'), ('schema_version', '3');
INSERT INTO payslip_notes (payslip_id, body) VALUES (1, 'Imported from the previous owner’s system.');
