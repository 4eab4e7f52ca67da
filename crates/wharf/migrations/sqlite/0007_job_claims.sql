-- A worker that dies mid-job is not the job's failure: its claim is given back and counted
-- here instead of in `attempts`, so backoff grows with real failures only. A job that keeps
-- taking its workers down still ends `failed`, after `MAX_RESCUES` (db/jobs.rs).
ALTER TABLE jobs ADD COLUMN rescues INTEGER NOT NULL DEFAULT 0;

-- (PostgreSQL's claimers also take a one-row `job_claim_lock`; SQLite serialises writes.)
