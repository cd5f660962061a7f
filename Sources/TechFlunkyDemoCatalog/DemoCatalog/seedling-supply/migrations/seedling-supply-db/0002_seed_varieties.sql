-- Seed rows so a fresh deployment shows real data.
INSERT INTO varieties (name, crop, days_to_harvest, packet_cents) VALUES
    ('Cherokee Purple', 'tomato', 80, 350),
    ('Dragon Tongue', 'bean', 60, 300),
    ('Lemon Cucumber', 'cucumber', 65, 325);
