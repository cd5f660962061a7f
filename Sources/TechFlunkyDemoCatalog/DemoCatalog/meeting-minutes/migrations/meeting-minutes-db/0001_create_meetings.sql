-- MinuteTaker — meeting notes automation: the meetings table.
CREATE TABLE IF NOT EXISTS meetings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    held_on TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    action_items INTEGER NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_meetings_title ON meetings (title);
CREATE INDEX IF NOT EXISTS idx_meetings_created_at ON meetings (created_at);
