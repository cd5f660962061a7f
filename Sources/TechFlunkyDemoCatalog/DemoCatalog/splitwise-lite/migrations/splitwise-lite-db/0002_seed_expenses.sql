-- Seed rows so a fresh deployment shows real data.
INSERT INTO expenses (group_name, paid_by, amount_cents, note) VALUES
    ('Lisbon trip', 'Marta', 18400, 'Dinner at Taberna'),
    ('Flat 3B', 'Tom', 6230, 'Electricity'),
    ('Lisbon trip', 'Jonas', 4500, 'Tram passes');
