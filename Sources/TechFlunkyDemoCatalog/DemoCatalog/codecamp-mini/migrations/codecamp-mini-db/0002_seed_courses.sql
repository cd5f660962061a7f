-- Seed rows so a fresh deployment shows real data.
INSERT INTO courses (title, level, lessons, enrolled) VALUES
    ('Build a platformer', 'beginner', 18, 1240),
    ('Snake in the browser', 'beginner', 12, 2210),
    ('Multiplayer quiz', 'intermediate', 22, 640);
