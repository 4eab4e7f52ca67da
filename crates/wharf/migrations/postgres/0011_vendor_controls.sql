-- Stopping a vendor, and keeping one vendor's junk from slowing everyone.

-- A deactivated vendor's token is refused, routing stops choosing it and its stock stops
-- counting; its purchase orders stay. 1 = active.
ALTER TABLE vendors ADD COLUMN active BIGINT NOT NULL DEFAULT 1;

-- The reported SKU as matching compares it, lowercased by the database (the vendor's prefix
-- stripped and the whole trimmed by wharf): the database itself can then tell matched rows
-- (their key is some store SKU's lower(sku)) from unmatched ones, so a push reads only the
-- former and the per-vendor cap counts only the latter. A superset of wharf's exact matching,
-- which runs on what this lets through.
ALTER TABLE vendor_stock ADD COLUMN match_key TEXT NOT NULL DEFAULT '';
UPDATE vendor_stock SET match_key = lower(trim(sku));
UPDATE vendor_stock SET match_key = lower(substr(trim(sku), 1 + (
        SELECT length(v.sku_strip_prefix) FROM warehouses w JOIN vendors v ON v.id = w.vendor_id
        WHERE w.id = vendor_stock.warehouse_id)))
WHERE EXISTS (
    SELECT 1 FROM warehouses w JOIN vendors v ON v.id = w.vendor_id
    WHERE w.id = vendor_stock.warehouse_id AND v.sku_strip_prefix IS NOT NULL AND v.sku_strip_prefix <> ''
      AND length(trim(vendor_stock.sku)) >= length(v.sku_strip_prefix)
      AND CASE WHEN v.sku_case_insensitive <> 0
               THEN lower(substr(trim(vendor_stock.sku), 1, length(v.sku_strip_prefix))) = lower(v.sku_strip_prefix)
               ELSE substr(trim(vendor_stock.sku), 1, length(v.sku_strip_prefix)) = v.sku_strip_prefix END);
CREATE INDEX vendor_stock_by_match_key ON vendor_stock (match_key);
-- The cap drops a vendor's oldest unmatched rows first.
CREATE INDEX vendor_stock_by_age ON vendor_stock (warehouse_id, updated_at);
-- Matching compares lowercased store SKUs.
CREATE INDEX variants_by_lower_sku ON variants (lower(sku));
CREATE INDEX products_by_lower_sku ON products (lower(sku));
