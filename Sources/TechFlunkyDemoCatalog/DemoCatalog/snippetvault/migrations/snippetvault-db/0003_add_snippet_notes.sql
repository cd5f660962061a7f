-- Notes staff attach to a snippet, and the settings the workers read.
CREATE TABLE IF NOT EXISTS snippet_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    snippet_id INTEGER NOT NULL REFERENCES snippets(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT 'owner',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_snippet_notes_snippet_id ON snippet_notes (snippet_id);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('business_name', 'SnippetVault'), ('schema_version', '3');
INSERT INTO snippet_notes (snippet_id, body) VALUES (1, 'Imported from the previous owner’s system.');
