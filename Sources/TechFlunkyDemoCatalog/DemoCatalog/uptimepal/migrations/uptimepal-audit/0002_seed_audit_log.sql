-- The first entries: the handover itself, so the log never starts empty.
INSERT INTO audit_log (actor, action, subject, detail) VALUES
    ('previous-owner', 'handover.prepared', 'uptimepal', 'package exported for sale'),
    ('techflunky', 'deployment.created', 'uptimepal', 'audit database created by the TechFlunky deployment');
