-- Seed rows so a fresh deployment shows real data.
INSERT INTO flags (key, description, rollout_percent, enabled) VALUES
    ('new-checkout', 'Redesigned checkout', 25, 1),
    ('dark-mode', 'Dark theme', 100, 1),
    ('ai-summary', 'Summaries in inbox', 0, 0);
