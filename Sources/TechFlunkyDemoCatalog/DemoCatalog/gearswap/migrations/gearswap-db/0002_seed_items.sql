-- Seed rows so a fresh deployment shows real data.
INSERT INTO items (title, condition, price_cents, seller) VALUES
    ('MSR Hubba Hubba NX 2', 'good', 21000, 'alpine_ana'),
    ('Osprey Exos 48', 'like new', 13500, 'kurt.w'),
    ('Black Diamond harness', 'fair', 3500, 'ropegun');
