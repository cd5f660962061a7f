-- Seed rows so a fresh deployment shows real data.
INSERT INTO cards (deck, front, back, interval_days) VALUES
    ('Biochem 101', 'Km means?', 'Substrate concentration at half Vmax', 3),
    ('Biochem 101', 'ATP yield of glycolysis?', '2 net ATP', 1),
    ('French B1', 'se méfier de', 'to be wary of', 7);
