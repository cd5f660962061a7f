-- Seed rows so a fresh deployment shows real data.
INSERT INTO checks (url, interval_seconds, last_status, last_latency_ms) VALUES
    ('https://status.example.com', 60, 200, 84),
    ('https://api.example.org/health', 60, 200, 132),
    ('https://shop.example.net', 300, 503, 2100);
