-- Shipments: what left a warehouse, with tracking. Recorded by a vendor (API, CSV) or an
-- operator, or made in BigCommerce by someone else and imported.

CREATE TABLE shipments (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id          INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    -- NULL for a shipment made in BigCommerce, which belongs to no vendor's purchase order.
    purchase_order_id INTEGER REFERENCES purchase_orders (id),
    -- vendor_api | operator | csv | bigcommerce
    source            TEXT    NOT NULL,
    tracking_number   TEXT    NOT NULL,
    -- The carrier as given; carrier_slug is its canonical key when wharf knows it (NULL: unknown,
    -- shipped with the tracking number and link only, and flagged).
    carrier           TEXT    NOT NULL,
    carrier_slug      TEXT,
    tracking_url      TEXT,
    shipping_method   TEXT,
    -- pending: parts still to create in BigCommerce | pushed: every part is there |
    -- failed: BigCommerce refused a part (error says why; Retry) |
    -- held: the order was cancelled before it was pushed (kept; pushed only on request) |
    -- imported: made in BigCommerce
    state             TEXT    NOT NULL,
    error             TEXT,
    shipped_after_cancellation INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX shipments_by_order ON shipments (order_id);
CREATE INDEX shipments_by_purchase_order ON shipments (purchase_order_id);

CREATE TABLE shipment_lines (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    shipment_id   INTEGER NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
    order_line_id INTEGER NOT NULL REFERENCES order_lines (id),
    quantity      INTEGER NOT NULL,
    -- How much of `quantity` BigCommerce already had shipped (by someone else) when this was
    -- pushed: reported, never shipped twice.
    already_shipped INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX shipment_lines_by_shipment ON shipment_lines (shipment_id);
CREATE INDEX shipment_lines_by_line ON shipment_lines (order_line_id);

-- One BigCommerce shipment per (shipment × shipping address): the intent, recorded with the
-- shipment, before anything is sent. Bound (bindings kind 'shipment') once created.
CREATE TABLE shipment_parts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    shipment_id INTEGER NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
    address_id  INTEGER NOT NULL REFERENCES order_addresses (id),
    -- pending: not sent | sending: a POST may have reached BigCommerce, so look before sending
    -- again | created: in BigCommerce | failed: BigCommerce refused it | skipped: everything in
    -- it was already shipped in BigCommerce | deleted: deleted in BigCommerce afterwards
    state       TEXT    NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    error       TEXT,
    sent_at     INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX shipment_parts_once ON shipment_parts (shipment_id, address_id);
CREATE INDEX shipment_parts_by_state ON shipment_parts (state);
