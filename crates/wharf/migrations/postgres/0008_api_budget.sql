-- The share of each store's API quota that wharf's processes may spend, kept in the database
-- because the quota is per store, not per process (db/api_budget.rs).
-- One row per store: its quota as last reported by BigCommerce's headers, and the row every
-- process locks while it counts (so two processes cannot both take the last request).
CREATE TABLE api_budgets (
    store_hash TEXT   PRIMARY KEY,
    quota      BIGINT NOT NULL,
    window_ms  BIGINT NOT NULL,
    taken_at   BIGINT NOT NULL
);
-- One row per request that still counts: from when it was taken until one window after it was
-- answered. Until then `answered_at` is the latest it can be answered (the client's timeout), so
-- a process that dies mid-request holds its request that long, no longer.
CREATE TABLE api_requests (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    store_hash  TEXT   NOT NULL,
    answered_at BIGINT NOT NULL
);
CREATE INDEX api_requests_by_store ON api_requests (store_hash, answered_at);
