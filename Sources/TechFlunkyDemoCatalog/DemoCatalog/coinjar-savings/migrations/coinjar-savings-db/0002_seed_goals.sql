-- Seed rows so a fresh deployment shows real data.
INSERT INTO goals (member, name, target_cents, saved_cents) VALUES
    ('jules', 'Vélo électrique', 150000, 48250),
    ('mina', 'Tokyo trip', 220000, 131900),
    ('theo', 'Emergency fund', 100000, 100000);
