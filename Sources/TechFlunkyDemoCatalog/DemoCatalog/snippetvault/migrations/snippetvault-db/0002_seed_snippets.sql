-- Seed rows so a fresh deployment shows real data.
INSERT INTO snippets (title, language, body, stars) VALUES
    ('Retry with jitter', 'swift', 'for attempt in 1...5 { }', 12),
    ('Debounce hook', 'typescript', 'export function useDebounce() {}', 31),
    ('Tail a log', 'bash', 'tail -F app.log | grep ERROR', 7);
