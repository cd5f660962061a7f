-- Seed rows so a fresh deployment shows real data.
INSERT INTO blends (name, roast, intensity, price_cents) VALUES
    ('Morning Brûlée', 'medium', 7, 499),
    ('Huila Decaf', 'medium', 5, 529),
    ('Espresso Noir', 'dark', 10, 499);
