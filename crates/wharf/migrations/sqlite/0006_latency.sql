-- How long each flow took, sample by sample, for the Latency page (the last hour's p50/p99).
-- orders: BigCommerce's date_modified → stored in wharf; shipments: recorded → in BigCommerce;
-- inventory: first stock change → confirmed by BigCommerce. Kept a day.
CREATE TABLE latency_samples (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    flow   TEXT    NOT NULL,
    at     INTEGER NOT NULL,
    millis INTEGER NOT NULL
);
CREATE INDEX latency_samples_by_flow ON latency_samples (flow, at);
