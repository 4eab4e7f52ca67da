-- The store's catalog as wharf keeps it, bound to BigCommerce ids, and the import runs that fill it.

-- "This wharf record is that BigCommerce object", for every kind of record (products and
-- variants now; orders and shipments later). One table, one mechanism.
CREATE TABLE bindings (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    store_id           INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    kind               TEXT    NOT NULL,
    local_id           INTEGER NOT NULL,
    external_id        INTEGER NOT NULL,
    -- The remote object's date_modified when it was last read (unix ms), if it has one.
    remote_modified_at INTEGER,
    -- The last full import that saw the object: what a full import did not see has vanished.
    last_seen_run      INTEGER,
    synced_at          INTEGER NOT NULL
);
-- external_id leads: lookups are "these ids", and a planner with stale statistics (a table
-- filling up during its first import) must still use them as the index condition.
CREATE UNIQUE INDEX bindings_by_external ON bindings (external_id, store_id, kind);
CREATE UNIQUE INDEX bindings_by_local ON bindings (kind, local_id);

CREATE TABLE products (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    store_id           INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    name               TEXT    NOT NULL,
    sku                TEXT,
    upc                TEXT,
    gtin               TEXT,
    brand_name         TEXT,
    -- Money as canonical decimal strings on both backends.
    price              TEXT,
    cost_price         TEXT,
    inventory_tracking TEXT    NOT NULL,
    inventory_level    INTEGER,
    is_visible         INTEGER NOT NULL,
    date_modified      INTEGER,
    -- Products that vanished from the store are archived, never deleted: orders may refer to them.
    archived_at        INTEGER,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
CREATE INDEX products_by_store ON products (store_id, archived_at);

CREATE TABLE variants (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id      INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    store_id        INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    sku             TEXT,
    upc             TEXT,
    gtin            TEXT,
    price           TEXT,
    cost_price      TEXT,
    inventory_level INTEGER,
    -- "Color: Red, Size: M"; empty for a product's base variant.
    options         TEXT    NOT NULL,
    archived_at     INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX variants_by_product ON variants (product_id);
CREATE INDEX variants_by_sku ON variants (store_id, sku);

CREATE TABLE catalog_imports (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    store_id          INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    mode              TEXT    NOT NULL,                  -- full | incremental
    status            TEXT    NOT NULL,                  -- queued | running | completed | failed
    -- Incremental runs read products modified since this instant (unix ms, overlap applied).
    modified_since    INTEGER,
    -- The checkpoint: products are read in id order, and every id up to this one is stored.
    last_product_id   INTEGER NOT NULL DEFAULT 0,
    pages_done        INTEGER NOT NULL DEFAULT 0,
    pages_total       INTEGER NOT NULL DEFAULT 0,
    products_seen     INTEGER NOT NULL DEFAULT 0,
    variants_seen     INTEGER NOT NULL DEFAULT 0,
    products_created  INTEGER NOT NULL DEFAULT 0,
    products_updated  INTEGER NOT NULL DEFAULT 0,
    products_archived INTEGER NOT NULL DEFAULT 0,
    variants_created  INTEGER NOT NULL DEFAULT 0,
    variants_updated  INTEGER NOT NULL DEFAULT 0,
    variants_archived INTEGER NOT NULL DEFAULT 0,
    last_error        TEXT,
    started_at        INTEGER,
    finished_at       INTEGER,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX catalog_imports_by_store ON catalog_imports (store_id, id);

-- Problems found in the store's data (blank or duplicate SKUs): reported, never fatal.
CREATE TABLE catalog_import_issues (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    import_id           INTEGER NOT NULL REFERENCES catalog_imports (id) ON DELETE CASCADE,
    product_external_id INTEGER NOT NULL,
    variant_external_id INTEGER,
    product_name        TEXT    NOT NULL,
    sku                 TEXT,
    kind                TEXT    NOT NULL,
    message             TEXT    NOT NULL
);
CREATE INDEX catalog_import_issues_by_import ON catalog_import_issues (import_id);

-- Where each incremental read resumes: one row per (store, resource).
CREATE TABLE sync_cursors (
    store_id   INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    resource   TEXT    NOT NULL,
    cursor_at  INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (store_id, resource)
);

-- At most one run per store is queued or running: a second click joins the first.
CREATE UNIQUE INDEX catalog_imports_one_active ON catalog_imports (store_id) WHERE status IN ('queued', 'running');
