-- Seed rows so a fresh deployment shows real data.
INSERT INTO posts (channel, body, publish_at, status) VALUES
    ('linkedin', 'Three lessons from our first 1,000 customers', '2026-12-01T09:00:00Z', 'scheduled'),
    ('mastodon', 'New: CSV export is here', '2026-12-02T15:00:00Z', 'draft'),
    ('x', 'We’re hiring a designer', '2026-11-28T12:00:00Z', 'published');
