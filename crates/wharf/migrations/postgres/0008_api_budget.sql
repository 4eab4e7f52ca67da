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
-- One row per request sent in the last window.
CREATE TABLE api_requests (
    store_hash TEXT   NOT NULL,
    at         BIGINT NOT NULL
);
CREATE INDEX api_requests_by_store ON api_requests (store_hash, at);
