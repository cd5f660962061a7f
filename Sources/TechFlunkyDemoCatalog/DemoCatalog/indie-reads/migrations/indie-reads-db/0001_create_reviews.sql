-- Indie Reads — book review site and newsletter: the reviews table.
CREATE TABLE IF NOT EXISTS reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    book TEXT NOT NULL,
    author TEXT NOT NULL,
    press TEXT NOT NULL,
    stars INTEGER NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_reviews_book ON reviews (book);
CREATE INDEX IF NOT EXISTS idx_reviews_created_at ON reviews (created_at);
