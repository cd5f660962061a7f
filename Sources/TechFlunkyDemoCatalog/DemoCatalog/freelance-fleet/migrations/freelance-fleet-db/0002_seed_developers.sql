-- Seed rows so a fresh deployment shows real data.
INSERT INTO developers (name, skills, day_rate_cents, available_from) VALUES
    ('Lena Fischer', 'Rust, Postgres', 72000, '2026-12-08'),
    ('Ravi Patel', 'Swift, iOS', 68000, NULL),
    ('Aoife Byrne', 'React, TypeScript', 60000, '2027-01-05');
