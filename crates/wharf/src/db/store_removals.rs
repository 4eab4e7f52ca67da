//! Removing a store, in one transaction with the job that removes its webhooks (the caller's).
//!
//! Either way the store's catalog, its catalog bindings, assignment rules, pending jobs, hash
//! claim, stock records, raw webhook events and webhook secret go. Its access token and hash are
//! set aside in `store_removals` (still sealed) for the webhook job, the one reader left.
//! - Orders kept: the row stays, marked `removed_at`, with its name for the orders that name it
//!   and its secrets blanked; the orders keep their purchase orders, shipments and the bindings
//!   that hold their BigCommerce numbers.
//! - Orders deleted: the orders go, then the row, and with it (`ON DELETE CASCADE`) everything
//!   else of the store.

use sqlx::{AnyConnection, Row};

use super::{Db, DbError};
use crate::domain::store_removal::OrdersOnRemoval;

/// What removing the store's webhooks needs once the store itself is gone.
#[derive(Debug, Clone)]
pub struct RemovedStoreAccess {
    pub store_id: i64,
    pub store_hash: String,
    pub access_token_sealed: String,
}

/// Removes a disabled store; `None` when there is no such disabled, unremoved store (it was
/// enabled or removed meanwhile). Returns how many orders were kept or deleted.
pub async fn remove(
    conn: &mut AnyConnection,
    store_id: i64,
    orders: OrdersOnRemoval,
    now_ms: i64,
) -> Result<Option<i64>, DbError> {
    // The first write takes the row (PostgreSQL locks it until commit; SQLite's write lock is
    // already held), so the state checked here is the state removed.
    let Some(row) = sqlx::query(
        "UPDATE stores SET updated_at = $2
         WHERE id = $1 AND disabled_at IS NOT NULL AND removed_at IS NULL
         RETURNING store_hash, access_token_sealed",
    )
    .bind(store_id)
    .bind(now_ms)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    sqlx::query(
        "INSERT INTO store_removals (store_id, store_hash, access_token_sealed, removed_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(store_id)
    .bind(row.get::<String, _>("store_hash"))
    .bind(row.get::<String, _>("access_token_sealed"))
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    let order_count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM orders WHERE store_id = $1")
        .bind(store_id)
        .fetch_one(&mut *conn)
        .await?
        .get("n");
    match orders {
        OrdersOnRemoval::Delete => {
            // Children before the rows they point at: on PostgreSQL one cascade from `stores`
            // may reach a row (a variant, an address) before the sibling rows that point at it
            // (order lines, shipment parts), and their check refuses the whole delete.
            for statement in [
                "DELETE FROM shipments WHERE order_id IN (SELECT id FROM orders WHERE store_id = $1)",
                "DELETE FROM purchase_orders WHERE order_id IN (SELECT id FROM orders WHERE store_id = $1)",
                "DELETE FROM order_lines WHERE order_id IN (SELECT id FROM orders WHERE store_id = $1)",
                "DELETE FROM orders WHERE store_id = $1",
                "DELETE FROM stores WHERE id = $1",
            ] {
                sqlx::query(statement)
                    .bind(store_id)
                    .execute(&mut *conn)
                    .await?;
            }
        }
        OrdersOnRemoval::Keep => remove_all_but_orders(conn, store_id, now_ms).await?,
    }
    Ok(Some(order_count))
}

/// Everything of the store that is not its orders' record, then the row marked removed.
async fn remove_all_but_orders(
    conn: &mut AnyConnection,
    store_id: i64,
    now_ms: i64,
) -> Result<(), DbError> {
    // Order lines point at the variants about to go; the line keeps its own name and SKU.
    sqlx::query(
        "UPDATE order_lines SET variant_id = NULL
         WHERE variant_id IS NOT NULL AND order_id IN (SELECT id FROM orders WHERE store_id = $1)",
    )
    .bind(store_id)
    .execute(&mut *conn)
    .await?;
    for statement in [
        // Finished jobs stay as history; running ones find the store gone and end.
        "DELETE FROM jobs WHERE store_id = $1 AND status = 'pending'",
        "DELETE FROM assignment_rules WHERE store_id = $1",
        "DELETE FROM bindings WHERE store_id = $1 AND kind IN ('product', 'variant')",
        "DELETE FROM variants WHERE store_id = $1",
        "DELETE FROM products WHERE store_id = $1",
        "DELETE FROM catalog_imports WHERE store_id = $1",
        "DELETE FROM sync_cursors WHERE store_id = $1",
        "DELETE FROM published_stock WHERE store_id = $1",
        "DELETE FROM inventory_drift WHERE store_id = $1",
        "DELETE FROM webhook_events WHERE store_id = $1",
        // The hash is free: the same BigCommerce store may be added again.
        "DELETE FROM store_hashes WHERE store_id = $1",
    ] {
        sqlx::query(statement)
            .bind(store_id)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query(
        "UPDATE stores SET removed_at = $2, updated_at = $2, default_vendor_id = NULL,
                webhook_secret_sealed = NULL, client_secret_sealed = '', access_token_sealed = ''
         WHERE id = $1",
    )
    .bind(store_id)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The set-aside access of a removed store whose webhooks are not removed yet.
pub async fn access(db: &Db, store_id: i64) -> Result<Option<RemovedStoreAccess>, DbError> {
    let row = sqlx::query(
        "SELECT store_id, store_hash, access_token_sealed FROM store_removals WHERE store_id = $1",
    )
    .bind(store_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|row| RemovedStoreAccess {
        store_id: row.get("store_id"),
        store_hash: row.get("store_hash"),
        access_token_sealed: row.get("access_token_sealed"),
    }))
}

/// Forgets a removed store's access once its webhooks are gone: nothing of it is needed more.
pub async fn forget(db: &Db, store_id: i64) -> Result<(), DbError> {
    sqlx::query("DELETE FROM store_removals WHERE store_id = $1")
        .bind(store_id)
        .execute(db.pool())
        .await?;
    Ok(())
}
