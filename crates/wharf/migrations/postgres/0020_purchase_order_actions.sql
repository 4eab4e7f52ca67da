-- What a vendor does with its purchase orders: accepting one, declining a line it can't
-- fulfil, and the customer's note it ships by.

-- The customer's message at checkout (BigCommerce's `customer_message`): the order's note for
-- the vendor. Staff notes are the merchant's own and are never stored for vendors to read.
ALTER TABLE orders ADD COLUMN customer_message TEXT;

-- The vendor acknowledged the purchase order: when, and who (in words: "API token" or the
-- name of the vendor's user). Accepting again keeps the first acknowledgement.
ALTER TABLE purchase_orders ADD COLUMN accepted_at BIGINT;
ALTER TABLE purchase_orders ADD COLUMN accepted_by TEXT;

-- A vendor said it can't fulfil an order line: the line left that vendor's purchase order and
-- routing never sends it back to that vendor. One row per (line, vendor): declines are history
-- the operator reads on Needs attention and the timeline.
CREATE TABLE line_declines (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_line_id     BIGINT  NOT NULL REFERENCES order_lines (id) ON DELETE CASCADE,
    vendor_id         BIGINT  NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
    purchase_order_id BIGINT  NOT NULL REFERENCES purchase_orders (id) ON DELETE CASCADE,
    reason            TEXT    NOT NULL,
    declined_at       BIGINT  NOT NULL
);
CREATE UNIQUE INDEX line_declines_once ON line_declines (order_line_id, vendor_id);

-- The vendor's purchase-order list pages newest first within its own.
CREATE INDEX purchase_orders_by_vendor_id ON purchase_orders (vendor_id, id);
