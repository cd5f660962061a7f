-- Seed rows so a fresh deployment shows real data.
INSERT INTO log_lines (service, level, message, logged_at) VALUES
    ('billing', 'error', 'card_declined for cus_123', '2026-11-26T10:01:00Z'),
    ('api', 'info', 'GET /v1/users 200 12ms', '2026-11-26T10:01:02Z'),
    ('worker', 'warn', 'queue depth 1200', '2026-11-26T10:02:40Z');
