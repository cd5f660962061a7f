-- LeadScore — AI lead qualification: the leads table.
CREATE TABLE IF NOT EXISTS leads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    company TEXT NOT NULL,
    email TEXT NOT NULL,
    score INTEGER NOT NULL,
    owner TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_leads_company ON leads (company);
CREATE INDEX IF NOT EXISTS idx_leads_created_at ON leads (created_at);
