-- Inventory out: what vendors report, and what wharf last confirmed BigCommerce has.

-- How a vendor's stock reports are taken.
ALTER TABLE vendors ADD COLUMN stock_buffer INTEGER NOT NULL DEFAULT 0;
-- Stock older than this (seconds) publishes 0 for the vendor; NULL: never stale.
ALTER TABLE vendors ADD COLUMN stock_stale_after_secs INTEGER;
ALTER TABLE vendors ADD COLUMN sku_case_insensitive INTEGER NOT NULL DEFAULT 0;
ALTER TABLE vendors ADD COLUMN sku_strip_prefix TEXT;
-- When the vendor last reported stock, by any road (API, upload, feed).
ALTER TABLE vendors ADD COLUMN stock_reported_at INTEGER;

-- Where a vendor keeps stock; every vendor gets `main` on its first report. Its stock is
-- published at one BigCommerce inventory location (1, the default, unless mapped).
CREATE TABLE warehouses (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    vendor_id   INTEGER NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
    code        TEXT    NOT NULL,
    location_id INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX warehouses_by_code ON warehouses (vendor_id, code);

-- A vendor's latest absolute stock of its SKU in a warehouse.
CREATE TABLE vendor_stock (
    warehouse_id INTEGER NOT NULL REFERENCES warehouses (id) ON DELETE CASCADE,
    sku          TEXT    NOT NULL,
    quantity     INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (warehouse_id, sku)
);

-- Stock feeds: a CSV a vendor's system publishes at a URL, fetched on a schedule.
CREATE TABLE stock_feeds (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    vendor_id     INTEGER NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
    -- The URL may carry the vendor's access token: sealed like other secrets, shown without
    -- its query string.
    url_sealed    TEXT    NOT NULL,
    url_shown     TEXT    NOT NULL,
    interval_secs INTEGER NOT NULL,
    -- The column mapping (JSON: sku, quantity, warehouse).
    mapping       TEXT    NOT NULL,
    last_run_at   INTEGER,
    -- When the feed last delivered a file that was applied.
    last_fresh_at INTEGER,
    last_error    TEXT,
    created_at    INTEGER NOT NULL
);

-- Per store item and location: the level BigCommerce last confirmed (200 to an absolute
-- adjustment), so a push sends only what changed. `error` holds BigCommerce's refusal of the
-- item (e.g. tracked by product), shown until a push succeeds.
CREATE TABLE published_stock (
    store_id    INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    item_kind   TEXT    NOT NULL,   -- variant | product
    item_id     INTEGER NOT NULL,   -- variants.id or products.id
    location_id INTEGER NOT NULL,
    quantity    INTEGER,
    error       TEXT,
    pushed_at   INTEGER NOT NULL,
    PRIMARY KEY (store_id, item_kind, item_id, location_id)
);

-- One inventory push in flight per store, across processes: a lease, like a job's.
ALTER TABLE stores ADD COLUMN inventory_push_until INTEGER NOT NULL DEFAULT 0;

-- What the last drift check found: BigCommerce's level differed from the one wharf confirmed.
CREATE TABLE inventory_drift (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    store_id    INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    checked_at  INTEGER NOT NULL,
    item_kind   TEXT    NOT NULL,
    item_id     INTEGER NOT NULL,
    location_id INTEGER NOT NULL,
    sku         TEXT,
    expected    INTEGER NOT NULL,
    found       INTEGER NOT NULL
);
CREATE INDEX inventory_drift_by_store ON inventory_drift (store_id, checked_at);
