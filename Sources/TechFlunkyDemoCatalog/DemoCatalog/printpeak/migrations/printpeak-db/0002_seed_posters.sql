-- Seed rows so a fresh deployment shows real data.
INSERT INTO posters (title, city, size, price_cents) VALUES
    ('Lisbon Trams', 'Lisbon', '50x70', 3900),
    ('Zürich Lake', 'Zürich', '30x40', 2900),
    ('Kyoto Gates', 'Kyoto', '50x70', 3900),
    ('Denali Dawn', 'Anchorage', '61x91', 4900);
