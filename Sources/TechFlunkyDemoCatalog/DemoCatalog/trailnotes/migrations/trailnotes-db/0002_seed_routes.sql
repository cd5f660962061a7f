-- Seed rows so a fresh deployment shows real data.
INSERT INTO routes (name, region, distance_km, ascent_m) VALUES
    ('Tour des Aiguilles Rouges', 'Chamonix', 21.5, 1650),
    ('Helvellyn via Striding Edge', 'Lake District', 12.8, 950),
    ('Pica d’Estats', 'Pyrenees', 18.2, 1420);
