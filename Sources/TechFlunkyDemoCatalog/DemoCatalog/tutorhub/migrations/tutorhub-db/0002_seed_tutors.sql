-- Seed rows so a fresh deployment shows real data.
INSERT INTO tutors (name, subject, hourly_cents, rating) VALUES
    ('Chloé Martin', 'French', 4500, 4.9),
    ('Daniel Osei', 'Maths', 5000, 4.8),
    ('Sofía Romero', 'Piano', 5500, 5.0);
