-- Every assignment rule in one table with an id of its own, so a person can list, change and
-- remove a rule by pointing at it: the three keyed tables of 0003 had nothing to point at that
-- survives a change of key, and PostgreSQL has no stable row id to borrow.
-- The store's default stays on `stores.default_vendor_id`: a store has exactly one.
CREATE TABLE assignment_rules (
    id         BIGSERIAL PRIMARY KEY,
    store_id   BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL,  -- 'variant', 'brand' or 'sku_prefix'
    -- 'variant' rules only; a variant has at most one (NULLs never collide).
    variant_id BIGINT UNIQUE REFERENCES variants (id) ON DELETE CASCADE,
    -- The brand lowercased or the prefix uppercased; NULL for 'variant' rules.
    rule_key   TEXT,
    vendor_id  BIGINT NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
    updated_at BIGINT NOT NULL,
    UNIQUE (store_id, kind, rule_key)
);
CREATE INDEX assignment_rules_by_vendor ON assignment_rules (vendor_id);

INSERT INTO assignment_rules (store_id, kind, variant_id, rule_key, vendor_id, updated_at)
SELECT store_id, 'variant', variant_id, NULL, vendor_id, updated_at FROM variant_assignments;
INSERT INTO assignment_rules (store_id, kind, variant_id, rule_key, vendor_id, updated_at)
SELECT store_id, 'brand', NULL, brand_key, vendor_id, updated_at FROM brand_assignments;
INSERT INTO assignment_rules (store_id, kind, variant_id, rule_key, vendor_id, updated_at)
SELECT store_id, 'sku_prefix', NULL, prefix, vendor_id, updated_at FROM sku_prefix_assignments;

DROP TABLE variant_assignments;
DROP TABLE brand_assignments;
DROP TABLE sku_prefix_assignments;
