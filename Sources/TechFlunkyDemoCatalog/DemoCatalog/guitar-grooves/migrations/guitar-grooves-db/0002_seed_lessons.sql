-- Seed rows so a fresh deployment shows real data.
INSERT INTO lessons (title, level, minutes, has_tab) VALUES
    ('Your first three chords', 'beginner', 9, 1),
    ('Travis picking', 'intermediate', 14, 1),
    ('Blues turnaround in A', 'intermediate', 11, 1);
