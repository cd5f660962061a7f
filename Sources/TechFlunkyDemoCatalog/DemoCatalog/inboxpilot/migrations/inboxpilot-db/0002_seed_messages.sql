-- Seed rows so a fresh deployment shows real data.
INSERT INTO messages (sender, subject, intent, urgency) VALUES
    ('ana@example.com', 'Where is my order #4412?', 'order_status', 2),
    ('li@example.org', 'Refund request — damaged item', 'refund', 3),
    ('sam@example.net', 'Partnership idea', 'sales', 1);
