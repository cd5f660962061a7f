-- Seed rows so a fresh deployment shows real data.
INSERT INTO offers (member, skill, hours, area) VALUES
    ('Ruth', 'Bike repair', 2, 'Leith'),
    ('Amir', 'Spanish conversation', 1, 'Gorgie'),
    ('Zoë', 'CV review', 1, 'Portobello');
