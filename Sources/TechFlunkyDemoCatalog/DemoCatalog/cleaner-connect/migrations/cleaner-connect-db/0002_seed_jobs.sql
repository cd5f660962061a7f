-- Seed rows so a fresh deployment shows real data.
INSERT INTO jobs (address, crew, scheduled_on, done) VALUES
    ('12 Rue des Lilas', 'Crew A', '2026-11-27', 0),
    ('4 Harbour Row', 'Crew B', '2026-11-27', 1),
    ('88 Elm Street', 'Crew A', '2026-11-28', 0);
