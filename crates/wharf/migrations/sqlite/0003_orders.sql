-- Vendors, the rules that assign store variants to them, and orders split into purchase orders.

CREATE TABLE vendors (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT    NOT NULL,
    email           TEXT,
    -- SHA-256 of the vendor's API token; the token itself is shown once, when it is made.
    api_token_hash  TEXT    NOT NULL,
    api_token_last4 TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX vendors_name_unique ON vendors (lower(name));
CREATE UNIQUE INDEX vendors_token ON vendors (api_token_hash);

-- Rule 1: this variant is shipped by this vendor.
CREATE TABLE variant_assignments (
    variant_id INTEGER PRIMARY KEY REFERENCES variants (id) ON DELETE CASCADE,
    store_id   INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    vendor_id  INTEGER NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
    updated_at INTEGER NOT NULL
);
-- Rule 2: products of this brand.
CREATE TABLE brand_assignments (
    store_id   INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    brand_key  TEXT    NOT NULL,   -- lowercased
    vendor_id  INTEGER NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (store_id, brand_key)
);
-- Rule 3: SKUs starting with this prefix.
CREATE TABLE sku_prefix_assignments (
    store_id   INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    prefix     TEXT    NOT NULL,   -- uppercased
    vendor_id  INTEGER NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (store_id, prefix)
);
-- Rule 4: the store's default fulfilment policy (NULL: hold the line in Needs attention).
ALTER TABLE stores ADD COLUMN default_vendor_id INTEGER REFERENCES vendors (id) ON DELETE SET NULL;
-- Which BigCommerce status ids create purchase orders (default: Awaiting Fulfillment, Awaiting Shipment).
ALTER TABLE stores ADD COLUMN routed_status_ids TEXT NOT NULL DEFAULT '11,9';

CREATE TABLE orders (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    store_id       INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    status_id      INTEGER NOT NULL,
    status_label   TEXT    NOT NULL,
    customer_name  TEXT    NOT NULL,
    customer_email TEXT,
    total          TEXT,
    currency_code  TEXT,
    items_total    INTEGER NOT NULL,
    items_shipped  INTEGER NOT NULL,
    is_archived    INTEGER NOT NULL,
    date_created   INTEGER,
    date_modified  INTEGER,
    -- waiting (status not routed yet) | routed | needs_attention | cancelled
    routing_state  TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX orders_by_store ON orders (store_id, routing_state);

CREATE TABLE order_addresses (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id       INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    name           TEXT    NOT NULL,
    company        TEXT,
    street_1       TEXT    NOT NULL,
    street_2       TEXT,
    city           TEXT    NOT NULL,
    state          TEXT,
    zip            TEXT,
    country        TEXT,
    country_iso2   TEXT,
    email          TEXT,
    phone          TEXT,
    shipping_method TEXT
);
CREATE INDEX order_addresses_by_order ON order_addresses (order_id);

CREATE TABLE order_lines (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id         INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    address_id       INTEGER REFERENCES order_addresses (id),
    variant_id       INTEGER REFERENCES variants (id),
    name             TEXT    NOT NULL,
    sku              TEXT,
    kind             TEXT    NOT NULL,   -- physical | digital | gift_certificate
    quantity         INTEGER NOT NULL,
    quantity_shipped INTEGER NOT NULL
);
CREATE INDEX order_lines_by_order ON order_lines (order_id);

CREATE TABLE purchase_orders (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id   INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    vendor_id  INTEGER NOT NULL REFERENCES vendors (id),
    status     TEXT    NOT NULL,   -- open | cancelled
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
-- One purchase order per vendor per order, however often the order is re-read.
CREATE UNIQUE INDEX purchase_orders_one_per_vendor ON purchase_orders (order_id, vendor_id);
CREATE INDEX purchase_orders_by_vendor ON purchase_orders (vendor_id, status);

CREATE TABLE purchase_order_lines (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    purchase_order_id INTEGER NOT NULL REFERENCES purchase_orders (id) ON DELETE CASCADE,
    order_line_id     INTEGER NOT NULL REFERENCES order_lines (id),
    quantity          INTEGER NOT NULL
);
-- A line is routed once: re-reading an order never puts it on a second purchase order.
CREATE UNIQUE INDEX purchase_order_lines_once ON purchase_order_lines (order_line_id);

-- What happened to an order, for its timeline.
CREATE TABLE order_events (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    at       INTEGER NOT NULL,
    kind     TEXT    NOT NULL,
    message  TEXT    NOT NULL
);
CREATE INDEX order_events_by_order ON order_events (order_id, id);

-- The secret BigCommerce sends back in a custom header on every webhook (sealed like the token).
ALTER TABLE stores ADD COLUMN webhook_secret_sealed TEXT;

-- Every webhook received, raw. Duplicates (same scope, hash and time) are stored once.
CREATE TABLE webhook_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    store_id    INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    scope       TEXT    NOT NULL,
    hash        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    payload     TEXT    NOT NULL,
    received_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX webhook_events_once ON webhook_events (store_id, scope, hash, created_at);
