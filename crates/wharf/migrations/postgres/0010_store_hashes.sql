-- A BigCommerce store is added to wharf once: each store hash is claimed by one wharf store, in
-- the same transaction as that store's insert, so of two concurrent adds of one hash one fails.
-- Not a unique index on stores.store_hash: a database may already hold two stores with one hash
-- (made before this), and the index could not be built on it. Those keep their rows; the oldest
-- of each hash gets the claim, and a store whose hash another one holds neither connects nor syncs.
CREATE TABLE store_hashes (
    -- Lowercase, as BigCommerce writes hashes.
    store_hash TEXT   PRIMARY KEY,
    store_id   BIGINT NOT NULL UNIQUE REFERENCES stores (id) ON DELETE CASCADE
);

INSERT INTO store_hashes (store_hash, store_id)
SELECT lower(store_hash), MIN(id) FROM stores GROUP BY lower(store_hash);
