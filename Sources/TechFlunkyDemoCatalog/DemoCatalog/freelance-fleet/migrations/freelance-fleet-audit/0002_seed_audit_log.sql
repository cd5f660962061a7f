-- The first entries: the handover itself, so the log never starts empty.
INSERT INTO audit_log (actor, action, subject, detail) VALUES
    ('previous-owner', 'handover.prepared', 'freelance-fleet', 'package exported for sale'),
    ('techflunky', 'deployment.created', 'freelance-fleet', 'audit database created by the TechFlunky deployment');
