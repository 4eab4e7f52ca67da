//! What changed since a store's last inventory push (`inventory_changes`): the SKUs whose
//! items' levels may have moved, or "everything". Each change is marked in the transaction
//! that makes it, beside the push job it queues, so a push works out the levels of the items
//! those SKUs name instead of all of the store's ~100k.
//!
//! A push claims the marks there are when it starts (`claim`: one `UPDATE … RETURNING`, so a
//! mark committed later is not among them, whatever its id) and deletes what it claimed once
//! its levels are sent (`forget_claimed`). A push that dies leaves its claim; the next push of
//! the store (one at a time, under the store's push lease) claims it again.

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::db::sql::{IN_LIST_CHUNK, ROWS_PER_INSERT, placeholders};
use crate::db::{Db, DbError};

/// Beyond this many SKUs a change is marked as "everything": the push works out every level
/// then anyway, and a report of 100k SKUs should not write 100k marks per store.
const SKUS_WORTH_MARKING: usize = 5_000;

/// Beyond this many marked SKUs a push works out every level: one scan of the store beats
/// looking up this many SKUs' items and rows a chunk at a time.
const SKUS_WORTH_LOOKING_UP: usize = 20_000;

/// What a push has to work out again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    /// Every item of the store (rules, terms, a drift, a catalog import, a large report).
    Everything,
    /// The items these lowercased SKUs name (none: nothing changed).
    Skus(Vec<String>),
}

/// Every level of the store may have moved.
pub async fn mark_everything(conn: &mut AnyConnection, store_id: i64) -> Result<(), DbError> {
    sqlx::query("INSERT INTO inventory_changes (store_id, match_key) VALUES ($1, NULL)")
        .bind(store_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The levels of the items these SKUs name may have moved (compared lowercased, as
/// `vendor_stock.match_key`).
pub async fn mark_skus(
    conn: &mut AnyConnection,
    store_id: i64,
    skus: &[String],
) -> Result<(), DbError> {
    if skus.len() > SKUS_WORTH_MARKING {
        return mark_everything(conn, store_id).await;
    }
    for chunk in skus.chunks(ROWS_PER_INSERT * 10) {
        let rows = (0..chunk.len())
            .map(|i| format!("($1, lower(${}))", i + 2))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("INSERT INTO inventory_changes (store_id, match_key) VALUES {rows}");
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(store_id);
        for sku in chunk {
            query = query.bind(sku);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The SKUs (variant's and product's) of the physical lines the condition picks, with each
/// line's store: what an order's allocation moves.
const LINE_SKUS: &str = "SELECT o.store_id, lower(x.sku) FROM order_lines l
       JOIN orders o ON o.id = l.order_id JOIN variants x ON x.id = l.variant_id
       WHERE l.kind = 'physical' AND x.sku IS NOT NULL AND {lines}
     UNION
     SELECT o.store_id, lower(p.sku) FROM order_lines l
       JOIN orders o ON o.id = l.order_id JOIN variants x ON x.id = l.variant_id
       JOIN products p ON p.id = x.product_id
       WHERE l.kind = 'physical' AND p.sku IS NOT NULL AND {lines}";

async fn mark_line_skus(
    conn: &mut AnyConnection,
    lines: &str,
    binds: &[i64],
) -> Result<(), DbError> {
    let sql = format!(
        "INSERT INTO inventory_changes (store_id, match_key) {}",
        LINE_SKUS.replace("{lines}", lines)
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for bind in binds {
        query = query.bind(*bind);
    }
    query.execute(&mut *conn).await?;
    Ok(())
}

/// What the order's lines take from stock changed (a new order, a status, a shipment).
pub async fn mark_order(conn: &mut AnyConnection, order_id: i64) -> Result<(), DbError> {
    mark_orders(conn, &[order_id]).await
}

/// [`mark_order`] for many orders (a page of a poll), one statement per
/// [`IN_LIST_CHUNK`] orders.
pub async fn mark_orders(conn: &mut AnyConnection, order_ids: &[i64]) -> Result<(), DbError> {
    for chunk in order_ids.chunks(IN_LIST_CHUNK) {
        let lines = format!("l.order_id IN ({})", placeholders(1, chunk.len()));
        mark_line_skus(conn, &lines, chunk).await?;
    }
    Ok(())
}

/// A shipment was recorded: what its lines hold allocated may change.
pub async fn mark_shipment(conn: &mut AnyConnection, shipment_id: i64) -> Result<(), DbError> {
    mark_line_skus(
        conn,
        "l.id IN (SELECT order_line_id FROM shipment_lines WHERE shipment_id = $1)",
        &[shipment_id],
    )
    .await
}

/// The vendor reported stock: its shipments recorded in wharf since its previous report are
/// in this one's figures now, so they stop counting as allocated (see `allocated`).
pub async fn mark_settled_by_report(
    conn: &mut AnyConnection,
    vendor_id: i64,
) -> Result<(), DbError> {
    mark_line_skus(
        conn,
        "l.id IN (SELECT sl.order_line_id FROM shipment_lines sl
                  JOIN shipments s ON s.id = sl.shipment_id
                  JOIN purchase_orders po ON po.id = s.purchase_order_id
                  WHERE po.vendor_id = $1 AND s.source <> 'bigcommerce'
                    AND s.created_at > COALESCE((SELECT stock_reported_at FROM vendors
                                                 WHERE id = $1), 0))",
        &[vendor_id],
    )
    .await
}

/// Takes the store's marks for the push holding `token`.
pub async fn claim(db: &Db, store_id: i64, token: &str) -> Result<Changed, DbError> {
    let rows = sqlx::query(
        "UPDATE inventory_changes SET push_token = $2 WHERE store_id = $1 RETURNING match_key",
    )
    .bind(store_id)
    .bind(token)
    .fetch_all(db.pool())
    .await?;
    let mut skus: Vec<String> = Vec::with_capacity(rows.len());
    for row in &rows {
        match row.get::<Option<String>, _>("match_key") {
            Some(sku) => skus.push(sku),
            None => return Ok(Changed::Everything),
        }
    }
    skus.sort_unstable();
    skus.dedup();
    if skus.len() > SKUS_WORTH_LOOKING_UP {
        return Ok(Changed::Everything);
    }
    // Nothing marked is nothing to work out: the push job a change queued finds its marks
    // taken by a push that claimed after the change committed, and has nothing left to do.
    Ok(Changed::Skus(skus))
}

/// The push holding `token` sent what its claim asked for.
pub async fn forget_claimed(db: &Db, store_id: i64, token: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM inventory_changes WHERE store_id = $1 AND push_token = $2")
        .bind(store_id)
        .bind(token)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Whether the store has marks no finished push took: changes made while the last push ran.
pub async fn any_waiting(db: &Db, store_id: i64) -> Result<bool, DbError> {
    let row = sqlx::query("SELECT 1 AS waiting FROM inventory_changes WHERE store_id = $1 LIMIT 1")
        .bind(store_id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.is_some())
}
