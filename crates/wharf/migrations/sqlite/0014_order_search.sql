-- Finding orders (`db::orders::search_orders`): SKUs and tracking numbers are matched exactly,
-- whatever their case, so each has an index on its lowercased value; the routing-state filter
-- pages newest first; the date filter reads a range of order dates.
CREATE INDEX order_lines_by_sku ON order_lines (LOWER(sku));
CREATE INDEX shipments_by_tracking ON shipments (LOWER(tracking_number));
CREATE INDEX orders_by_state ON orders (routing_state, id);
CREATE INDEX orders_by_date ON orders (date_created);
