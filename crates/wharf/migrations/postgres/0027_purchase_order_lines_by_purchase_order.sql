-- A purchase order's lines by the purchase order (issue 20): its state, its line count in the
-- vendor's mail and its page read them that way, and without this index every such read
-- scanned all purchase order lines (a backfill of 10,000 orders spent most of its time there).
CREATE INDEX purchase_order_lines_by_purchase_order ON purchase_order_lines (purchase_order_id);
