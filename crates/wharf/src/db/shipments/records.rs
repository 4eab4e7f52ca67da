//! A shipment as recorded: the shipment row and its lines (a part per shipping address is
//! created with them), what of a purchase order is left to ship, the shipment's own state, and
//! the local ids an imported shipment's BigCommerce lines and addresses are bound to.

use std::collections::HashMap;

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::db::bindings::local_id;
use crate::db::{Db, DbError, now_ms};
use crate::domain::shipment::{ShipmentSource, ShipmentState, ShippableLine};

/// What wharf records of a shipment, whatever its source.
#[derive(Debug, Clone)]
pub struct ShipmentRecord<'a> {
    pub order_id: i64,
    pub purchase_order_id: Option<i64>,
    pub source: ShipmentSource,
    pub tracking_number: &'a str,
    pub carrier: &'a str,
    pub carrier_slug: Option<&'a str>,
    pub tracking_url: Option<&'a str>,
    pub shipping_method: Option<&'a str>,
    pub state: ShipmentState,
    pub shipped_after_cancellation: bool,
    /// (order line id, quantity).
    pub lines: &'a [(i64, i64)],
}

/// Quantity of the order line that recorded shipments already cover (parts deleted in
/// BigCommerce don't count; what BigCommerce had shipped already counts once, in its own
/// imported shipment).
pub(crate) const SHIPPED_OF_LINE: &str =
    "COALESCE((SELECT CAST(SUM(sl.quantity - sl.already_shipped) AS BIGINT)
        FROM shipment_lines sl
        JOIN shipment_parts p ON p.shipment_id = sl.shipment_id AND p.address_id = l.address_id
        WHERE sl.order_line_id = l.id AND p.state <> 'deleted'), 0)";

/// The purchase order's lines with what is unshipped, and whether their address is known
/// (only those can ship).
pub async fn shippable_lines(
    conn: &mut AnyConnection,
    purchase_order_id: i64,
) -> Result<Vec<ShippableLine>, DbError> {
    let sql = format!(
        "SELECT l.id, l.sku, l.quantity - {SHIPPED_OF_LINE} AS unshipped,
                CASE WHEN l.address_id IS NULL THEN 0 ELSE 1 END AS ship_to_known
         FROM purchase_order_lines pl JOIN order_lines l ON l.id = pl.order_line_id
         WHERE pl.purchase_order_id = $1 ORDER BY l.id"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(purchase_order_id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows
        .iter()
        .map(|r| ShippableLine {
            order_line_id: r.get("id"),
            sku: r.get("sku"),
            unshipped: r.get::<i64, _>("unshipped").max(0),
            ship_to_known: r.get::<i64, _>("ship_to_known") == 1,
        })
        .collect())
}

/// Recorded shipped quantity per order line of an order (for pages and purchase orders).
pub async fn shipped_by_line(db: &Db, order_id: i64) -> Result<HashMap<i64, i64>, DbError> {
    let sql = format!(
        "SELECT l.id, {SHIPPED_OF_LINE} AS shipped FROM order_lines l WHERE l.order_id = $1"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(order_id)
        .fetch_all(db.pool())
        .await?;
    Ok(rows
        .iter()
        .map(|r| (r.get("id"), r.get("shipped")))
        .collect())
}

/// Records a shipment with its lines and one part per shipping address its lines go to.
pub async fn insert(
    conn: &mut AnyConnection,
    shipment: &ShipmentRecord<'_>,
) -> Result<i64, DbError> {
    let now = now_ms();
    let id: i64 = sqlx::query(
        "INSERT INTO shipments (order_id, purchase_order_id, source, tracking_number, carrier, carrier_slug, tracking_url,
                                shipping_method, state, shipped_after_cancellation, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(shipment.order_id)
    .bind(shipment.purchase_order_id)
    .bind(shipment.source.as_str())
    .bind(shipment.tracking_number)
    .bind(shipment.carrier)
    .bind(shipment.carrier_slug)
    .bind(shipment.tracking_url)
    .bind(shipment.shipping_method)
    .bind(shipment.state.as_str())
    .bind(shipment.shipped_after_cancellation as i64)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?
    .get("id");
    for &(line_id, quantity) in shipment.lines {
        sqlx::query(
            "INSERT INTO shipment_lines (shipment_id, order_line_id, quantity) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(line_id)
        .bind(quantity)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query(
        "INSERT INTO shipment_parts (shipment_id, address_id, state, created_at, updated_at)
         SELECT DISTINCT $1, l.address_id, 'pending', $2, $2
         FROM shipment_lines sl JOIN order_lines l ON l.id = sl.order_line_id
         WHERE sl.shipment_id = $1 AND l.address_id IS NOT NULL",
    )
    .bind(id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Locks the purchase order for the rest of the transaction (an UPDATE takes the row lock on
/// PostgreSQL; SQLite's write transactions are serial already), so two shipments recorded at
/// once can't both take the last unshipped unit. Returns (order id, vendor id, status).
pub async fn lock_purchase_order(
    conn: &mut AnyConnection,
    purchase_order_id: i64,
) -> Result<Option<(i64, i64, String)>, DbError> {
    let row = sqlx::query(
        "UPDATE purchase_orders SET updated_at = $2 WHERE id = $1 RETURNING order_id, vendor_id, status",
    )
    .bind(purchase_order_id)
    .bind(now_ms())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| (r.get("order_id"), r.get("vendor_id"), r.get("status"))))
}

pub async fn set_state(
    conn: &mut AnyConnection,
    shipment_id: i64,
    state: ShipmentState,
    error: Option<&str>,
) -> Result<(), DbError> {
    sqlx::query("UPDATE shipments SET state = $2, error = $3, updated_at = $4 WHERE id = $1")
        .bind(shipment_id)
        .bind(state.as_str())
        .bind(error)
        .bind(now_ms())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn flag_shipped_after_cancellation(
    conn: &mut AnyConnection,
    shipment_id: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE shipments SET shipped_after_cancellation = 1, updated_at = $2 WHERE id = $1",
    )
    .bind(shipment_id)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The local ids of an order's line and address bound to these BigCommerce ids.
pub async fn local_line(
    conn: &mut AnyConnection,
    store_id: i64,
    order_product_id: i64,
) -> Result<Option<i64>, DbError> {
    local_id(conn, store_id, "order_line", order_product_id).await
}

pub async fn local_address(
    conn: &mut AnyConnection,
    store_id: i64,
    address_id: i64,
) -> Result<Option<i64>, DbError> {
    local_id(conn, store_id, "order_address", address_id).await
}

/// The store a shipment's order belongs to.
pub async fn store_of(conn: &mut AnyConnection, shipment_id: i64) -> Result<i64, DbError> {
    Ok(sqlx::query(
        "SELECT o.store_id FROM shipments s JOIN orders o ON o.id = s.order_id WHERE s.id = $1",
    )
    .bind(shipment_id)
    .fetch_one(&mut *conn)
    .await?
    .get("store_id"))
}
