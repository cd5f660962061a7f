-- Seed rows so a fresh deployment shows real data.
INSERT INTO payslips (employee, period, gross_cents, net_cents) VALUES
    ('Rosa Díaz', '2026-11', 420000, 331500),
    ('Ken Adams', '2026-11', 380000, 302100),
    ('Ama Owusu', '2026-11', 295000, 240800);
