-- AltText AI — image descriptions for accessibility: the images table.
CREATE TABLE IF NOT EXISTS images (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    page_url TEXT NOT NULL,
    image_key TEXT NOT NULL,
    alt_text TEXT,
    reviewed INTEGER NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_images_page_url ON images (page_url);
CREATE INDEX IF NOT EXISTS idx_images_created_at ON images (created_at);
