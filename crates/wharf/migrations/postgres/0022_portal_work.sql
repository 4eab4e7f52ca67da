-- The vendor portal's work pages: when each vendor user last opened the purchase-order list,
-- so the purchase orders created since are marked new, and keyset paging of a vendor's
-- purchase orders, newest first.

-- The visit before the current one is what "new" is measured against; it is kept apart from
-- the current visit so that paging on through the list keeps the same marks.
ALTER TABLE vendor_users ADD COLUMN purchase_orders_seen_at BIGINT;
ALTER TABLE vendor_users ADD COLUMN purchase_orders_seen_before BIGINT;

CREATE INDEX purchase_orders_by_vendor_newest ON purchase_orders (vendor_id, id);

-- shipments.source gains `vendor_portal`: a shipment a vendor user recorded in the portal.
