-- Seed rows so a fresh deployment shows real data.
INSERT INTO kanji (character, meaning, jlpt_level, strokes) VALUES
    ('日', 'sun, day', 5, 4),
    ('学', 'study', 5, 8),
    ('語', 'language', 5, 14),
    ('鬱', 'gloom', 1, 29);
