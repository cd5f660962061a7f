-- Seed rows so a fresh deployment shows real data.
INSERT INTO products (name, origin, price_cents, stock) VALUES
    ('Darjeeling First Flush', 'India', 1800, 120),
    ('Sencha Asatsuyu', 'Japan', 2200, 64),
    ('Tieguanyin Oolong', 'China', 2600, 40),
    ('Rooibos Crème', 'South Africa', 1200, 210);
