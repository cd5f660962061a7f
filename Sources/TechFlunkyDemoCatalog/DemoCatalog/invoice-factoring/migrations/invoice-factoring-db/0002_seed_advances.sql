-- Seed rows so a fresh deployment shows real data.
INSERT INTO advances (agency, invoice_cents, advanced_cents, status) VALUES
    ('Studio Mère', 1200000, 1020000, 'repaid'),
    ('Pixel & Post', 860000, 731000, 'outstanding'),
    ('North Sea Digital', 2400000, 2040000, 'outstanding');
