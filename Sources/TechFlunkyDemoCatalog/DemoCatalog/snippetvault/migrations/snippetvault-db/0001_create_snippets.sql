-- SnippetVault — team code snippet manager: the snippets table.
CREATE TABLE IF NOT EXISTS snippets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    language TEXT NOT NULL,
    body TEXT NOT NULL,
    stars INTEGER,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_snippets_title ON snippets (title);
CREATE INDEX IF NOT EXISTS idx_snippets_created_at ON snippets (created_at);
