-- Seed rows so a fresh deployment shows real data.
INSERT INTO proposals (client, title, total_cents, signed) VALUES
    ('M. Okafor', 'Kitchen refit', 1850000, 1),
    ('Dubois family', 'Loft insulation', 620000, 0),
    ('Riverside Café', 'Terrace decking', 930000, 1);
