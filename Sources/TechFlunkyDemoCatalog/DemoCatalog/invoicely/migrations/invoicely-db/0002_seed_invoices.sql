-- Seed rows so a fresh deployment shows real data.
INSERT INTO invoices (client, amount_cents, currency, status, due_on) VALUES
    ('Acme Design Co.', 240000, 'USD', 'paid', '2026-10-01'),
    ('Bureau Noël', 95000, 'EUR', 'sent', '2026-11-30'),
    ('Lumen Studio', 410000, 'USD', 'overdue', '2026-10-15');
