-- PodClips — audiogram generator for podcasters: the clips table.
CREATE TABLE IF NOT EXISTS clips (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    show TEXT NOT NULL,
    title TEXT NOT NULL,
    seconds INTEGER NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_clips_show ON clips (show);
CREATE INDEX IF NOT EXISTS idx_clips_created_at ON clips (created_at);
