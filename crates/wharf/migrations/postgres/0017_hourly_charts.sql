-- The dashboard's hourly charts (db/dashboard.rs, db/api_budget.rs): each series is one query
-- grouped by hour over the last day, so each reads an index of its rows' times, not its table.
CREATE INDEX orders_by_arrival ON orders (created_at);
CREATE INDEX shipment_parts_created_by_sent ON shipment_parts (sent_at) WHERE state = 'created';
CREATE INDEX jobs_done_by_kind ON jobs (kind, updated_at) WHERE status = 'done';

-- wharf's requests to each store per hour, for the share of the store's quota wharf used.
-- `api_requests` cannot tell: its rows go one window after their answer. Kept two days.
CREATE TABLE api_usage_hours (
    store_hash TEXT    NOT NULL,
    hour_at    BIGINT  NOT NULL,
    requests   BIGINT  NOT NULL,
    PRIMARY KEY (store_hash, hour_at)
);
