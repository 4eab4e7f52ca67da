-- A worker that dies mid-job is not the job's failure: its claim is given back and counted
-- here instead of in `attempts`, so backoff grows with real failures only. A job that keeps
-- taking its workers down still ends `failed`, after `MAX_RESCUES` (db/jobs.rs).
ALTER TABLE jobs ADD COLUMN rescues BIGINT NOT NULL DEFAULT 0;

-- One row every claimer updates first: claims are serialised across processes (each takes
-- milliseconds), so each sees the others' running jobs when it applies the per-store cap.
CREATE TABLE job_claim_lock (
    id         BIGINT PRIMARY KEY,
    claimed_at BIGINT NOT NULL
);
INSERT INTO job_claim_lock (id, claimed_at) VALUES (1, 0);
