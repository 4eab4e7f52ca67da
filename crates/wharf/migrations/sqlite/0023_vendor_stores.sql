-- A vendor's own BigCommerce store is a row of `stores` with its vendor set (NULL: one of the
-- merchant's sales stores). It so shares the sealed credentials, the one-claim-per-hash rule
-- (a hash is a sales store or one vendor's store, never both), the rate gate, the API budget
-- and the webhook receiver. Its `name` is internal: people see the vendor's name.
ALTER TABLE stores ADD COLUMN vendor_id INTEGER REFERENCES vendors (id);
-- A vendor has at most one store.
CREATE UNIQUE INDEX stores_one_per_vendor ON stores (vendor_id)
    WHERE vendor_id IS NOT NULL AND removed_at IS NULL;
-- Names are the merchant's labels for sales stores; a vendor store's internal name is not one.
DROP INDEX stores_name_unique;
CREATE UNIQUE INDEX stores_name_unique ON stores (lower(name))
    WHERE removed_at IS NULL AND vendor_id IS NULL;

-- How wharf uses a vendor's store (Onport's "BigCommerce dropship provider" options).
CREATE TABLE vendor_store_settings (
    vendor_id                INTEGER PRIMARY KEY REFERENCES vendors (id),
    -- The status a purchase order's order gets in the vendor's store (11: Awaiting Fulfillment).
    order_status_id          INTEGER NOT NULL DEFAULT 11,
    -- 1: the end customer's e-mail and phone go with the order.
    include_customer_contact INTEGER NOT NULL DEFAULT 0,
    -- 1: the vendor's store sends its own customer e-mails for the order.
    send_customer_emails     INTEGER NOT NULL DEFAULT 0,
    -- The one location whose levels count; NULL: the sum over all locations.
    stock_location_id        INTEGER,
    -- SKU matching, as for stock feeds.
    sku_case_insensitive     INTEGER NOT NULL DEFAULT 0,
    sku_strip_prefix         TEXT,
    -- 0: connected but paused (no orders out, no stock in).
    active                   INTEGER NOT NULL DEFAULT 1,
    updated_at               INTEGER NOT NULL
);
