-- Notes staff attach to a proposal, and the settings the workers read.
CREATE TABLE IF NOT EXISTS proposal_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    proposal_id INTEGER NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_proposal_notes_proposal_id ON proposal_notes (proposal_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'QuoteCraft'), ('schema_version', '3');
INSERT INTO proposal_notes (proposal_id, body) VALUES (1, 'Imported from the previous owner’s system.');
