-- SkillSwap Local — neighbourhood skill exchange: the offers table.
CREATE TABLE IF NOT EXISTS offers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    member TEXT NOT NULL,
    skill TEXT NOT NULL,
    hours INTEGER NOT NULL,
    area TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_offers_skill ON offers (skill);
CREATE INDEX IF NOT EXISTS idx_offers_created_at ON offers (created_at);
