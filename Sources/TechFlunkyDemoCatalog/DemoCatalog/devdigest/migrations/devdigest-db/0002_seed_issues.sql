-- Seed rows so a fresh deployment shows real data.
INSERT INTO issues (number, subject, sent_on, open_rate) VALUES
    (312, 'View transitions land everywhere', '2026-11-20', 0.52),
    (311, 'The state of CSS nesting', '2026-11-13', 0.49),
    (310, 'Edge databases compared', '2026-11-06', 0.55);
