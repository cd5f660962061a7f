-- ChairTime — booking for barbershops: the appointments table.
CREATE TABLE IF NOT EXISTS appointments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client TEXT NOT NULL,
    service TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    deposit_cents INTEGER NOT NULL CHECK (deposit_cents >= 0),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_appointments_client ON appointments (client);
CREATE INDEX IF NOT EXISTS idx_appointments_created_at ON appointments (created_at);
