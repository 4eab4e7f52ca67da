-- Purchase orders sent as orders to a vendor's own BigCommerce store (issue 19).
--
-- One row per attempt to send a purchase order to the vendor's store. BigCommerce's
-- `POST /v2/orders` takes no idempotency key, so the intent is recorded before anything is
-- sent and the send is exactly once by looking first (ARCHITECTURE.md, *Vendor store orders*):
--   intent: recorded, nothing sent yet | sending: a POST may have reached the vendor store, so
--   look for the order (by its reference, among orders created since intent_at) before sending
--   again | created: the vendor's order exists (external_id) | failed: the vendor store refused
--   it, or nothing on it could be sent (message says why; Send again) | cancelled: the vendor's
--   order was set to Cancelled | replaced: an operator's Send again superseded it.
CREATE TABLE vendor_orders (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    purchase_order_id BIGINT  NOT NULL REFERENCES purchase_orders (id) ON DELETE CASCADE,
    -- The vendor's store the order goes to.
    store_id          BIGINT  NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    state             TEXT    NOT NULL,
    -- PO-{merchant order number}-{purchase order id}: what the vendor sees and what the lookup
    -- searches by (`external_order_id`).
    reference         TEXT    NOT NULL,
    -- The vendor store's order id once created (or found).
    external_id       BIGINT,
    -- Why it failed, or which lines were left out of a created order, in words.
    message           TEXT,
    -- POSTs sent; after the first, an attempt looks before it sends.
    attempts          BIGINT  NOT NULL DEFAULT 0,
    -- The vendor shipped before the cancellation reached it: its order is kept.
    shipped_before_cancel BIGINT  NOT NULL DEFAULT 0,
    intent_at         BIGINT  NOT NULL,
    sent_at           BIGINT,
    created_at        BIGINT,
    -- Last reconciling read of the vendor order's shipments.
    polled_at         BIGINT,
    updated_at        BIGINT  NOT NULL
);
-- At most one live vendor order per purchase order: a second intent cannot be recorded while
-- one may exist in the vendor's store.
CREATE UNIQUE INDEX vendor_orders_one_live ON vendor_orders (purchase_order_id)
    WHERE state IN ('intent', 'sending', 'created');
CREATE INDEX vendor_orders_by_store_state ON vendor_orders (store_id, state, polled_at);
CREATE INDEX vendor_orders_by_external ON vendor_orders (store_id, external_id);

-- The lines as sent: which purchase-order line each vendor order product stands for, so the
-- vendor's shipments map back. A line left out (no match, refused) is kept with its reason.
CREATE TABLE vendor_order_lines (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    vendor_order_id    BIGINT  NOT NULL REFERENCES vendor_orders (id) ON DELETE CASCADE,
    order_line_id      BIGINT  NOT NULL REFERENCES order_lines (id) ON DELETE CASCADE,
    quantity           BIGINT  NOT NULL,
    -- The vendor's product and variant the line was sent as (NULL when left out).
    vendor_product_id  BIGINT,
    vendor_variant_id  BIGINT,
    -- The vendor order's product (`order_product_id` in its shipments) once created.
    external_product_id BIGINT,
    -- sent | left_out
    state              TEXT    NOT NULL,
    message            TEXT
);
CREATE UNIQUE INDEX vendor_order_lines_once ON vendor_order_lines (vendor_order_id, order_line_id);

-- The vendor store's shipments recorded in wharf: the vendor's shipment id is the idempotency
-- key, so a webhook and the reconciling poll seeing the same shipment record it once.
CREATE TABLE vendor_order_shipments (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    vendor_order_id     BIGINT  NOT NULL REFERENCES vendor_orders (id) ON DELETE CASCADE,
    external_shipment_id BIGINT  NOT NULL,
    shipment_id         BIGINT  REFERENCES shipments (id) ON DELETE SET NULL,
    recorded_at         BIGINT  NOT NULL
);
CREATE UNIQUE INDEX vendor_order_shipments_once
    ON vendor_order_shipments (vendor_order_id, external_shipment_id);
