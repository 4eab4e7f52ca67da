-- A claim reads each store's oldest due jobs (as many as its cap) and the oldest jobs of no
-- store, instead of the oldest due jobs overall: one store's backlog no longer hides another
-- store's jobs behind it. These indexes keep each of those reads a short range scan.
CREATE INDEX jobs_store_due ON jobs (status, store_id, run_at);
CREATE INDEX jobs_storeless_due ON jobs (status, run_at) WHERE store_id IS NULL;
