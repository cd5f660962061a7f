-- Seed rows so a fresh deployment shows real data.
INSERT INTO recipes (title, cuisine, minutes, servings) VALUES
    ('Weeknight chicken tikka', 'Indian', 35, 4),
    ('Crème brûlée for two', 'French', 50, 2),
    ('Sheet-pan gnocchi', 'Italian', 25, 4),
    ('Black bean tacos', 'Mexican', 20, 3);
