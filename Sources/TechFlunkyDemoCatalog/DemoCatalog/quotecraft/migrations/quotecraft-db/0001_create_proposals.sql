-- QuoteCraft — proposals that close: the proposals table.
CREATE TABLE IF NOT EXISTS proposals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client TEXT NOT NULL,
    title TEXT NOT NULL,
    total_cents INTEGER NOT NULL CHECK (total_cents >= 0),
    signed INTEGER NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_proposals_title ON proposals (title);
CREATE INDEX IF NOT EXISTS idx_proposals_created_at ON proposals (created_at);
