-- SparkleRoute — route planning for cleaning crews: the jobs table.
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    address TEXT NOT NULL,
    crew TEXT NOT NULL,
    scheduled_on TEXT NOT NULL,
    done INTEGER NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS idx_jobs_address ON jobs (address);
CREATE INDEX IF NOT EXISTS idx_jobs_created_at ON jobs (created_at);
