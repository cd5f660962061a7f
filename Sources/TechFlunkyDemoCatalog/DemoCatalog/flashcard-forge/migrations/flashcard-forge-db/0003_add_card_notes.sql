-- Notes staff attach to a card, and the settings the workers read.
CREATE TABLE IF NOT EXISTS card_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    card_id INTEGER NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_card_notes_card_id ON card_notes (card_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'Flashcard Forge'), ('schema_version', '3');
INSERT INTO card_notes (card_id, body) VALUES (1, 'Imported from the previous owner’s system.');
