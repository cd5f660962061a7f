-- Notes staff attach to a offer, and the settings the workers read.
CREATE TABLE IF NOT EXISTS offer_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    offer_id INTEGER NOT NULL REFERENCES offers(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_offer_notes_offer_id ON offer_notes (offer_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'SkillSwap Local'), ('schema_version', '3');
INSERT INTO offer_notes (offer_id, body) VALUES (1, 'Imported from the previous owner’s system.');
