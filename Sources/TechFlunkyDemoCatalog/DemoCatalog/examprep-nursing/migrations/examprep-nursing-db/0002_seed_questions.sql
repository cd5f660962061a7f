-- Seed rows so a fresh deployment shows real data.
INSERT INTO questions (topic, stem, difficulty, correct_rate) VALUES
    ('Pharmacology', 'Which finding requires holding digoxin?', 3, 0.61),
    ('Pediatrics', 'Priority action for a child with epiglottitis?', 4, 0.48),
    ('Safety', 'Correct order for donning PPE?', 2, 0.83);
