-- The first entries: the handover itself, so the log never starts empty.
INSERT INTO audit_log (actor, action, subject, detail) VALUES
    ('previous-owner', 'handover.prepared', 'examprep-nursing', 'package exported for sale'),
    ('techflunky', 'deployment.created', 'examprep-nursing', 'audit database created by the TechFlunky deployment');
