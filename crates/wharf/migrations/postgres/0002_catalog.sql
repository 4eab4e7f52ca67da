-- The store's catalog as wharf keeps it, bound to BigCommerce ids, and the import runs that fill it.

-- "This wharf record is that BigCommerce object", for every kind of record (products and
-- variants now; orders and shipments later). One table, one mechanism.
CREATE TABLE bindings (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    store_id           BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    kind               TEXT    NOT NULL,
    local_id           BIGINT NOT NULL,
    external_id        BIGINT NOT NULL,
    -- The remote object's date_modified when it was last read (unix ms), if it has one.
    remote_modified_at BIGINT,
    -- The last full import that saw the object: what a full import did not see has vanished.
    last_seen_run      BIGINT,
    synced_at          BIGINT NOT NULL
);
-- external_id leads: lookups are "these ids", and a planner with stale statistics (a table
-- filling up during its first import) must still use them as the index condition.
CREATE UNIQUE INDEX bindings_by_external ON bindings (external_id, store_id, kind);
CREATE UNIQUE INDEX bindings_by_local ON bindings (kind, local_id);

CREATE TABLE products (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    store_id           BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    name               TEXT    NOT NULL,
    sku                TEXT,
    upc                TEXT,
    gtin               TEXT,
    brand_name         TEXT,
    -- Money as canonical decimal strings on both backends.
    price              TEXT,
    cost_price         TEXT,
    inventory_tracking TEXT    NOT NULL,
    inventory_level    BIGINT,
    is_visible         BIGINT NOT NULL,
    date_modified      BIGINT,
    -- Products that vanished from the store are archived, never deleted: orders may refer to them.
    archived_at        BIGINT,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
CREATE INDEX products_by_store ON products (store_id, archived_at);

CREATE TABLE variants (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id      BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    store_id        BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    sku             TEXT,
    upc             TEXT,
    gtin            TEXT,
    price           TEXT,
    cost_price      TEXT,
    inventory_level BIGINT,
    -- "Color: Red, Size: M"; empty for a product's base variant.
    options         TEXT    NOT NULL,
    archived_at     BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX variants_by_product ON variants (product_id);
CREATE INDEX variants_by_sku ON variants (store_id, sku);

CREATE TABLE catalog_imports (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    store_id          BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    mode              TEXT    NOT NULL,                  -- full | incremental
    status            TEXT    NOT NULL,                  -- queued | running | completed | failed
    -- Incremental runs read products modified since this instant (unix ms, overlap applied).
    modified_since    BIGINT,
    -- The checkpoint: products are read in id order, and every id up to this one is stored.
    last_product_id   BIGINT NOT NULL DEFAULT 0,
    pages_done        BIGINT NOT NULL DEFAULT 0,
    pages_total       BIGINT NOT NULL DEFAULT 0,
    products_seen     BIGINT NOT NULL DEFAULT 0,
    variants_seen     BIGINT NOT NULL DEFAULT 0,
    products_created  BIGINT NOT NULL DEFAULT 0,
    products_updated  BIGINT NOT NULL DEFAULT 0,
    products_archived BIGINT NOT NULL DEFAULT 0,
    variants_created  BIGINT NOT NULL DEFAULT 0,
    variants_updated  BIGINT NOT NULL DEFAULT 0,
    variants_archived BIGINT NOT NULL DEFAULT 0,
    last_error        TEXT,
    started_at        BIGINT,
    finished_at       BIGINT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX catalog_imports_by_store ON catalog_imports (store_id, id);

-- Problems found in the store's data (blank or duplicate SKUs): reported, never fatal.
CREATE TABLE catalog_import_issues (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    import_id           BIGINT NOT NULL REFERENCES catalog_imports (id) ON DELETE CASCADE,
    product_external_id BIGINT NOT NULL,
    variant_external_id BIGINT,
    product_name        TEXT    NOT NULL,
    sku                 TEXT,
    kind                TEXT    NOT NULL,
    message             TEXT    NOT NULL
);
CREATE INDEX catalog_import_issues_by_import ON catalog_import_issues (import_id);

-- Where each incremental read resumes: one row per (store, resource).
CREATE TABLE sync_cursors (
    store_id   BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    resource   TEXT    NOT NULL,
    cursor_at  BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (store_id, resource)
);

-- At most one run per store is queued or running: a second click joins the first.
CREATE UNIQUE INDEX catalog_imports_one_active ON catalog_imports (store_id) WHERE status IN ('queued', 'running');
