-- A vendor's own BigCommerce store, as wharf last read it, and how its variants match the
-- merchant's items (domain::vendor_match). Both are a mirror of the vendor's catalog, replaced
-- as a whole by each full read in one transaction, not wharf records: the ids are the vendor
-- store's, kept here rather than in bindings because nothing of wharf's own stands behind them.

CREATE TABLE vendor_store_variants (
    store_id        BIGINT  NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    product_id      BIGINT  NOT NULL,
    variant_id      BIGINT  NOT NULL,
    product_name    TEXT    NOT NULL,
    -- "Color: Red, Size: M"; empty for a product's base variant.
    options         TEXT    NOT NULL,
    sku             TEXT,
    upc             TEXT,
    gtin            TEXT,
    -- The product is available and the variant's purchasing is not disabled.
    purchasable     BIGINT  NOT NULL,
    -- Per the vendor store's chosen reading: summed over its locations, or at one location;
    -- NULL when the vendor's store does not track the variant's stock.
    inventory_level BIGINT,
    read_at         BIGINT  NOT NULL,
    PRIMARY KEY (store_id, variant_id)
);
CREATE INDEX vendor_store_variants_by_product ON vendor_store_variants (store_id, product_id);

-- One line of the match: a matched pair, a merchant item alone (merchant_sku, no variant), a
-- vendor variant alone (variant, no merchant_sku), or an ambiguous merchant item (no variant;
-- the candidates are named in the reason).
CREATE TABLE vendor_store_matches (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    store_id     BIGINT  NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    merchant_sku TEXT,
    product_id   BIGINT,
    variant_id   BIGINT,
    state        TEXT    NOT NULL,   -- matched | unmatched | ambiguous
    matched_by   TEXT,               -- sku | barcode
    reason       TEXT    NOT NULL,
    matched_at   BIGINT  NOT NULL
);
CREATE INDEX vendor_store_matches_by_sku ON vendor_store_matches (store_id, merchant_sku);
CREATE INDEX vendor_store_matches_by_state ON vendor_store_matches (store_id, state, id);
CREATE INDEX vendor_store_matches_by_variant ON vendor_store_matches (store_id, variant_id);
