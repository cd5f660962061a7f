-- Seed rows so a fresh deployment shows real data.
INSERT INTO products (name, protein, grams, price_cents) VALUES
    ('Beef lung puffs', 'beef', 100, 899),
    ('Sweet potato chews', 'none', 200, 799),
    ('Salmon skin twists', 'salmon', 120, 1099);
