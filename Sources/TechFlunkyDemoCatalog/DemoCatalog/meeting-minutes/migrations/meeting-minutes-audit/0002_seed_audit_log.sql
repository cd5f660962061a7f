-- The first entries: the handover itself, so the log never starts empty.
INSERT INTO audit_log (actor, action, subject, detail) VALUES
    ('previous-owner', 'handover.prepared', 'meeting-minutes', 'package exported for sale'),
    ('techflunky', 'deployment.created', 'meeting-minutes', 'audit database created by the TechFlunky deployment');
