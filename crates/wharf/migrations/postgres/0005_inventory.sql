-- Inventory out: what vendors report, and what wharf last confirmed BigCommerce has.

-- How a vendor's stock reports are taken.
ALTER TABLE vendors ADD COLUMN stock_buffer BIGINT NOT NULL DEFAULT 0;
-- Stock older than this (seconds) publishes 0 for the vendor; NULL: never stale.
ALTER TABLE vendors ADD COLUMN stock_stale_after_secs BIGINT;
ALTER TABLE vendors ADD COLUMN sku_case_insensitive BIGINT NOT NULL DEFAULT 0;
ALTER TABLE vendors ADD COLUMN sku_strip_prefix TEXT;
-- When the vendor last reported stock, by any road (API, upload, feed).
ALTER TABLE vendors ADD COLUMN stock_reported_at BIGINT;

-- Where a vendor keeps stock; every vendor gets `main` on its first report. Its stock is
-- published at one BigCommerce inventory location (1, the default, unless mapped).
CREATE TABLE warehouses (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    vendor_id   BIGINT NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
    code        TEXT    NOT NULL,
    location_id BIGINT NOT NULL DEFAULT 1,
    created_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX warehouses_by_code ON warehouses (vendor_id, code);

-- A vendor's latest absolute stock of its SKU in a warehouse.
CREATE TABLE vendor_stock (
    warehouse_id BIGINT NOT NULL REFERENCES warehouses (id) ON DELETE CASCADE,
    sku          TEXT    NOT NULL,
    quantity     BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (warehouse_id, sku)
);

-- Stock feeds: a CSV a vendor's system publishes at a URL, fetched on a schedule.
CREATE TABLE stock_feeds (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    vendor_id     BIGINT NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
    -- The URL may carry the vendor's access token: sealed like other secrets, shown without
    -- its query string.
    url_sealed    TEXT    NOT NULL,
    url_shown     TEXT    NOT NULL,
    interval_secs BIGINT NOT NULL,
    -- The column mapping (JSON: sku, quantity, warehouse).
    mapping       TEXT    NOT NULL,
    last_run_at   BIGINT,
    -- When the feed last delivered a file that was applied.
    last_fresh_at BIGINT,
    last_error    TEXT,
    created_at    BIGINT NOT NULL
);

-- Per store item and location: the level BigCommerce last confirmed (200 to an absolute
-- adjustment), so a push sends only what changed. `error` holds BigCommerce's refusal of the
-- item (e.g. tracked by product), shown until a push succeeds.
CREATE TABLE published_stock (
    store_id    BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    item_kind   TEXT    NOT NULL,   -- variant | product
    item_id     BIGINT NOT NULL,   -- variants.id or products.id
    location_id BIGINT NOT NULL,
    quantity    BIGINT,
    error       TEXT,
    pushed_at   BIGINT NOT NULL,
    PRIMARY KEY (store_id, item_kind, item_id, location_id)
);

-- One inventory push in flight per store, across processes: a lease, like a job's.
ALTER TABLE stores ADD COLUMN inventory_push_until BIGINT NOT NULL DEFAULT 0;

-- What the last drift check found: BigCommerce's level differed from the one wharf confirmed.
CREATE TABLE inventory_drift (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    store_id    BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    checked_at  BIGINT NOT NULL,
    item_kind   TEXT    NOT NULL,
    item_id     BIGINT NOT NULL,
    location_id BIGINT NOT NULL,
    sku         TEXT,
    expected    BIGINT NOT NULL,
    found       BIGINT NOT NULL
);
CREATE INDEX inventory_drift_by_store ON inventory_drift (store_id, checked_at);
