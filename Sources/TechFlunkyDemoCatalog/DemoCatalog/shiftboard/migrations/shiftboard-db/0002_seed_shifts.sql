-- Seed rows so a fresh deployment shows real data.
INSERT INTO shifts (employee, role, starts_at, ends_at) VALUES
    ('Maya', 'Barista', '2026-12-01T07:00', '2026-12-01T15:00'),
    ('José', 'Kitchen', '2026-12-01T11:00', '2026-12-01T19:00'),
    ('Priya', 'Front desk', '2026-12-02T08:00', '2026-12-02T16:00');
