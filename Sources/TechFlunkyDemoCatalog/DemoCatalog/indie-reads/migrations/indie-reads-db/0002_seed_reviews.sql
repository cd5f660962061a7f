-- Seed rows so a fresh deployment shows real data.
INSERT INTO reviews (book, author, press, stars) VALUES
    ('The Salt Line', 'Inès Ferrer', 'Fitzcarraldo', 5),
    ('Small Hours', 'Tomás Rivera', 'Tilted Axis', 4),
    ('Pale Harbour', 'Mara Quinn', 'Galley Beggar', 4);
