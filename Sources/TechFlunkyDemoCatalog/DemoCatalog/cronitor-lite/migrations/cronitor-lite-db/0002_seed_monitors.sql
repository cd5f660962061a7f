-- Seed rows so a fresh deployment shows real data.
INSERT INTO monitors (name, schedule, grace_seconds, last_ping_at) VALUES
    ('nightly-backup', '0 3 * * *', 900, '2026-11-26T03:00:12Z'),
    ('invoice-run', '0 6 1 * *', 3600, NULL),
    ('cache-warm', '*/15 * * * *', 120, '2026-11-26T18:30:02Z');
