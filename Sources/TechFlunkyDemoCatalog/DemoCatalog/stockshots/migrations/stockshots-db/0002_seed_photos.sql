-- Seed rows so a fresh deployment shows real data.
INSERT INTO photos (title, category, width, height) VALUES
    ('Hands kneading dough', 'food', 6000, 4000),
    ('Desk with plants', 'workspace', 5472, 3648),
    ('Pour-over coffee', 'food', 4000, 6000);
