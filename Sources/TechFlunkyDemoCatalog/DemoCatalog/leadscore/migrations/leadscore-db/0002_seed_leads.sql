-- Seed rows so a fresh deployment shows real data.
INSERT INTO leads (company, email, score, owner) VALUES
    ('Globex', 'ops@globex.example', 87, 'dana'),
    ('Initech', 'it@initech.example', 42, NULL),
    ('Umbrella Labs', 'cto@umbrella.example', 93, 'lee');
