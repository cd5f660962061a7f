-- InboxPilot — AI email triage: the messages table.
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sender TEXT NOT NULL,
    subject TEXT NOT NULL,
    intent TEXT,
    urgency INTEGER,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_messages_subject ON messages (subject);
CREATE INDEX IF NOT EXISTS idx_messages_created_at ON messages (created_at);
