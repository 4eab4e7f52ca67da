-- What changed since a store's last inventory push, so the push works out only the levels that
-- can have moved (db/inventory/changes.rs). A row names a lowercased SKU (as vendor_stock's
-- match_key) whose items' levels may differ now, or, with no SKU, every item of the store.
-- A push claims the rows there are when it starts (push_token) and deletes those it claimed
-- when it is done; rows written meanwhile wait for the next push.
CREATE TABLE inventory_changes (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    store_id   BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    match_key  TEXT,
    push_token TEXT
);
CREATE INDEX inventory_changes_by_store ON inventory_changes (store_id, push_token);
-- Pushes queued before this table existed carry no marks: the first push after the upgrade
-- works every level out.
INSERT INTO inventory_changes (store_id, match_key) SELECT id, NULL FROM stores;
