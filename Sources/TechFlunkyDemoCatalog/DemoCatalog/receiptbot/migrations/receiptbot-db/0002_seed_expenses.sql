-- Seed rows so a fresh deployment shows real data.
INSERT INTO expenses (merchant, spent_on, amount_cents, category) VALUES
    ('Café de Flore', '2026-11-12', 1840, 'meals'),
    ('Deutsche Bahn', '2026-11-14', 8990, 'travel'),
    ('Figma', '2026-11-01', 1500, 'software');
