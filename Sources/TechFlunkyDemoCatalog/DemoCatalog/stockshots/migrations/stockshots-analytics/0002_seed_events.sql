INSERT INTO events (name, path, visitor, occurred_at) VALUES
    ('page_view', '/', 'v1', '2026-11-24T09:12:00Z'),
    ('page_view', '/pricing', 'v1', '2026-11-24T09:13:10Z'),
    ('signup', '/signup', 'v1', '2026-11-24T09:15:42Z'),
    ('page_view', '/', 'v2', '2026-11-25T14:01:00Z');
INSERT INTO daily_stats (day, name, count) VALUES ('2026-11-24', 'page_view', 1466), ('2026-11-24', 'signup', 48);
