-- Seed rows so a fresh deployment shows real data.
INSERT INTO group_buys (design, pledges, target, closes_on) VALUES
    ('GMK Aurora', 412, 300, '2026-12-15'),
    ('Matcha Latte PBT', 188, 250, '2027-01-10'),
    ('Retro Beige', 96, 200, '2027-02-01');
