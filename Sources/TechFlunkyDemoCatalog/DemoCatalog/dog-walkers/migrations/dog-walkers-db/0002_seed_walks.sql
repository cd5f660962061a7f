-- Seed rows so a fresh deployment shows real data.
INSERT INTO walks (dog, walker, walked_on, km) VALUES
    ('Biscuit', 'Hana', '2026-11-25', 3.2),
    ('Pépin', 'Hana', '2026-11-25', 2.1),
    ('Rex', 'Omar', '2026-11-26', 4.8);
