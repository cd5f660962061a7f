-- Seed rows so a fresh deployment shows real data.
INSERT INTO meetings (title, held_on, minutes, action_items) VALUES
    ('Weekly product sync', '2026-11-24', 42, 5),
    ('Client kickoff — Maison Dupré', '2026-11-25', 58, 9),
    ('Hiring debrief', '2026-11-26', 25, 3);
