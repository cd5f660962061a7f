-- Seed rows so a fresh deployment shows real data.
INSERT INTO appointments (client, service, starts_at, deposit_cents) VALUES
    ('Marcus', 'Skin fade', '2026-11-28T10:00', 500),
    ('Andrés', 'Beard trim', '2026-11-28T10:45', 0),
    ('Theo', 'Cut & shave', '2026-11-28T11:30', 1000);
