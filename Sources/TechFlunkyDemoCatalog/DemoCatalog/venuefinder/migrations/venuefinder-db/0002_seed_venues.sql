-- Seed rows so a fresh deployment shows real data.
INSERT INTO venues (name, city, capacity, hourly_cents) VALUES
    ('The Loft at Rue Oberkampf', 'Paris', 40, 9000),
    ('Canal Studio', 'Amsterdam', 25, 7500),
    ('Back Room, Café Lumière', 'Montréal', 18, 4000);
