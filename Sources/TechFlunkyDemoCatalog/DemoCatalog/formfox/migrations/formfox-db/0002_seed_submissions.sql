-- Seed rows so a fresh deployment shows real data.
INSERT INTO submissions (form_slug, email, answers_json, score) VALUES
    ('nps-q4', 'ana@example.com', '{"nps":9}', 9),
    ('beta-signup', 'li@example.org', '{"role":"PM"}', NULL),
    ('nps-q4', NULL, '{"nps":6}', 6);
