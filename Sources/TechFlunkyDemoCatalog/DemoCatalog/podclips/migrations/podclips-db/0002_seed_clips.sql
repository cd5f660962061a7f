-- Seed rows so a fresh deployment shows real data.
INSERT INTO clips (show, title, seconds, status) VALUES
    ('Founders’ Hour', 'Why we raised late', 48, 'rendered'),
    ('Café Philo', 'Naïve realism', 33, 'queued'),
    ('Build Log', 'Shipping on Fridays', 59, 'rendered');
