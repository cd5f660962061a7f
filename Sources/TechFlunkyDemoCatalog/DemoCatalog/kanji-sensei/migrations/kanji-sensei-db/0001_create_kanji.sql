-- Kanji Sensei 漢字 — spaced repetition for Japanese: the kanji table.
CREATE TABLE IF NOT EXISTS kanji (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    character TEXT NOT NULL,
    meaning TEXT NOT NULL,
    jlpt_level INTEGER NOT NULL,
    strokes INTEGER NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_kanji_meaning ON kanji (meaning);
CREATE INDEX IF NOT EXISTS idx_kanji_created_at ON kanji (created_at);
