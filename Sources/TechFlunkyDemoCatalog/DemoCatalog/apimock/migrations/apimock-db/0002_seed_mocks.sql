-- Seed rows so a fresh deployment shows real data.
INSERT INTO mocks (name, spec_key, latency_ms, requests) VALUES
    ('payments-sandbox', 'specs/payments.yaml', 120, 18230),
    ('catalog-v2', 'specs/catalog.json', 40, 5120),
    ('auth-stub', 'specs/auth.yaml', 0, 90211);
