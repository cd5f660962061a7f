-- Seed rows so a fresh deployment shows real data.
INSERT INTO transactions (description, amount_cents, category, booked_on) VALUES
    ('Client payment — Lumen', 420000, 'income', '2026-11-03'),
    ('Adobe Creative Cloud', -5999, 'software', '2026-11-05'),
    ('Co-working day pass', -2500, 'office', '2026-11-10');
