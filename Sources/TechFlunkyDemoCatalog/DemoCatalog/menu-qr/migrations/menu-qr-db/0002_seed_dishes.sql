-- Seed rows so a fresh deployment shows real data.
INSERT INTO dishes (venue, name, price_cents, allergens) VALUES
    ('Café Lumière', 'Croque-monsieur', 1150, 'gluten,milk'),
    ('Café Lumière', 'Salade niçoise', 1350, 'egg,fish'),
    ('Taquería Sol', 'Tacos al pastor', 950, NULL);
