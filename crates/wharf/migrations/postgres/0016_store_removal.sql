-- A removed store whose orders were kept for the record: it stays as a row its orders name,
-- but leaves every list, sync and job. Its name is free again for a new store.
ALTER TABLE stores ADD COLUMN removed_at BIGINT;
DROP INDEX stores_name_unique;
CREATE UNIQUE INDEX stores_name_unique ON stores (lower(name)) WHERE removed_at IS NULL;

-- What the job that removes a removed store's webhooks needs once the store's own row is gone
-- (orders deleted) or blanked (orders kept): its hash and its access token, still sealed.
-- Deleted when the hooks are removed. No foreign key: the store may be gone.
CREATE TABLE store_removals (
    store_id            BIGINT PRIMARY KEY,
    store_hash          TEXT    NOT NULL,
    access_token_sealed TEXT    NOT NULL,
    removed_at          BIGINT NOT NULL
);
