//! What a vendor does with its purchase orders: finding them (a keyset page, what is still to
//! do first), accepting one, and declining a line, which takes it off the purchase order and
//! records the decline so routing passes that vendor over for the line.
//!
//! Accepting and declining take the caller's transaction, in which the caller has locked the
//! purchase order (`db::shipments::lock_purchase_order`), as recording a shipment does: a
//! decline and a shipment of the same line are one after the other, never interleaved.

use sqlx::{AnyConnection, Row};

use crate::db::orders::purchase_orders::{
    PURCHASE_ORDER_COLUMNS, PurchaseOrder, load_purchase_orders,
};
use crate::db::shipments::SHIPPED_OF_LINE;
use crate::db::{Db, DbError};
use crate::domain::purchase_order::{PurchaseOrderCursor, PurchaseOrderSearch};
use crate::domain::routing::Declines;

/// A page of a vendor's purchase orders and where the next one starts, if there is one.
#[derive(Debug, Clone)]
pub struct PurchaseOrderPage {
    pub purchase_orders: Vec<PurchaseOrder>,
    pub next: Option<PurchaseOrderCursor>,
}

/// The vendor's purchase orders the search finds: still to do first, then done, each newest
/// first, at most `search.limit` of them.
pub async fn search_vendor_purchase_orders(
    db: &Db,
    vendor_id: i64,
    search: &PurchaseOrderSearch,
) -> Result<PurchaseOrderPage, DbError> {
    let sql = format!(
        "SELECT * FROM (
            SELECT s.*, CASE WHEN s.state IN ('shipped', 'cancelled', 'closed') THEN 1 ELSE 0 END AS done
            FROM (
                SELECT {columns} FROM purchase_orders po
                JOIN orders o ON o.id = po.order_id
                JOIN bindings b ON b.kind = 'order' AND b.local_id = po.order_id
                WHERE po.vendor_id = $1 AND ($2 = 0 OR po.status = 'open')
                  AND ($4 = 0
                       OR b.external_id = $5
                       OR LOWER(o.customer_name) LIKE $6 ESCAPE '\\'
                       OR EXISTS (SELECT 1 FROM purchase_order_lines pl JOIN order_lines l ON l.id = pl.order_line_id
                                  WHERE pl.purchase_order_id = po.id
                                    AND (LOWER(l.sku) = $7 OR LOWER(l.name) LIKE $6 ESCAPE '\\'))
                       OR EXISTS (SELECT 1 FROM shipments sh
                                  JOIN shipment_lines sl ON sl.shipment_id = sh.id
                                  JOIN purchase_order_lines pl ON pl.order_line_id = sl.order_line_id
                                  WHERE pl.purchase_order_id = po.id AND LOWER(sh.tracking_number) = $7))
            ) s
         ) t
         WHERE ($3 = '' OR t.state = $3)
           AND ($8 = 0 OR t.done > $9 OR (t.done = $9 AND t.id < $10))
         ORDER BY t.done, t.id DESC
         LIMIT $11",
        columns = *PURCHASE_ORDER_COLUMNS
    );
    let text = search.text.as_ref();
    let cursor = search.cursor;
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(vendor_id)
        .bind(search.only_open as i64)
        .bind(search.state.map_or("", |s| s.as_str()))
        .bind(text.is_some() as i64)
        .bind(text.and_then(|t| t.number).unwrap_or(-1))
        .bind(text.map_or("", |t| t.contains.as_str()))
        .bind(text.map_or("", |t| t.exact.as_str()))
        .bind(cursor.is_some() as i64)
        .bind(cursor.is_some_and(|c| c.done) as i64)
        .bind(cursor.map_or(0, |c| c.id))
        .bind(search.limit + 1)
        .fetch_all(db.pool())
        .await?;
    let limit = usize::try_from(search.limit).unwrap_or(0);
    let more = rows.len() > limit;
    let purchase_orders = load_purchase_orders(db, &rows[..rows.len().min(limit)]).await?;
    let next = purchase_orders
        .last()
        .filter(|_| more)
        .map(|last| PurchaseOrderCursor {
            done: last.state.is_done(),
            id: last.id,
        });
    Ok(PurchaseOrderPage {
        purchase_orders,
        next,
    })
}

/// Records the vendor's acceptance; false when it was accepted before (the first stays).
pub async fn accept(
    conn: &mut AnyConnection,
    purchase_order_id: i64,
    at_ms: i64,
    by: &str,
) -> Result<bool, DbError> {
    let result = sqlx::query(
        "UPDATE purchase_orders SET accepted_at = $2, accepted_by = $3, updated_at = $2
         WHERE id = $1 AND accepted_at IS NULL",
    )
    .bind(purchase_order_id)
    .bind(at_ms)
    .bind(by)
    .execute(&mut *conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// A line of a purchase order as a decline sees it.
#[derive(Debug, Clone)]
pub struct LineOnPurchaseOrder {
    pub name: String,
    pub sku: Option<String>,
    pub quantity: i64,
    /// Covered by shipments wharf knows of.
    pub shipped: i64,
    /// What BigCommerce said was shipped of it when last read.
    pub shipped_in_bigcommerce: i64,
}

/// The order line, if it is on the purchase order.
pub async fn line_on_purchase_order(
    conn: &mut AnyConnection,
    purchase_order_id: i64,
    order_line_id: i64,
) -> Result<Option<LineOnPurchaseOrder>, DbError> {
    let sql = format!(
        "SELECT l.name, l.sku, pl.quantity, l.quantity_shipped, {SHIPPED_OF_LINE} AS shipped
         FROM purchase_order_lines pl JOIN order_lines l ON l.id = pl.order_line_id
         WHERE pl.purchase_order_id = $1 AND pl.order_line_id = $2"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(purchase_order_id)
        .bind(order_line_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| LineOnPurchaseOrder {
        name: r.get("name"),
        sku: r.get("sku"),
        quantity: r.get("quantity"),
        shipped: r.get("shipped"),
        shipped_in_bigcommerce: r.get("quantity_shipped"),
    }))
}

/// Takes the line off the purchase order and records who declined it and why; closes the
/// purchase order when no line is left on it. Returns whether it closed.
pub async fn decline_line(
    conn: &mut AnyConnection,
    purchase_order_id: i64,
    vendor_id: i64,
    order_line_id: i64,
    reason: &str,
    at_ms: i64,
) -> Result<bool, DbError> {
    sqlx::query(
        "DELETE FROM purchase_order_lines WHERE purchase_order_id = $1 AND order_line_id = $2",
    )
    .bind(purchase_order_id)
    .bind(order_line_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO line_declines (order_line_id, vendor_id, purchase_order_id, reason, declined_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (order_line_id, vendor_id) DO NOTHING",
    )
    .bind(order_line_id)
    .bind(vendor_id)
    .bind(purchase_order_id)
    .bind(reason)
    .bind(at_ms)
    .execute(&mut *conn)
    .await?;
    let closed = sqlx::query(
        "UPDATE purchase_orders SET status = 'closed', updated_at = $2
         WHERE id = $1 AND status = 'open'
           AND NOT EXISTS (SELECT 1 FROM purchase_order_lines WHERE purchase_order_id = $1)",
    )
    .bind(purchase_order_id)
    .bind(at_ms)
    .execute(&mut *conn)
    .await?;
    Ok(closed.rows_affected() == 1)
}

/// The vendor whose purchase order the line is on, if it is on one.
pub async fn vendor_of_line(
    conn: &mut AnyConnection,
    order_line_id: i64,
) -> Result<Option<i64>, DbError> {
    Ok(sqlx::query(
        "SELECT po.vendor_id FROM purchase_order_lines pl
         JOIN purchase_orders po ON po.id = pl.purchase_order_id
         WHERE pl.order_line_id = $1",
    )
    .bind(order_line_id)
    .fetch_optional(&mut *conn)
    .await?
    .map(|r| r.get("vendor_id")))
}

/// A decline as the operator reads it on Needs attention.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct LineDecline {
    #[serde(skip)]
    pub order_line_id: i64,
    pub vendor_id: i64,
    pub reason: String,
    pub declined_at_ms: i64,
}

/// Every decline of the order's lines, oldest first.
pub async fn line_declines(
    conn: &mut AnyConnection,
    order_id: i64,
) -> Result<Vec<LineDecline>, DbError> {
    let rows = sqlx::query(
        "SELECT d.order_line_id, d.vendor_id, d.reason, d.declined_at
         FROM line_declines d JOIN order_lines l ON l.id = d.order_line_id
         WHERE l.order_id = $1 ORDER BY d.id",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| LineDecline {
            order_line_id: r.get("order_line_id"),
            vendor_id: r.get("vendor_id"),
            reason: r.get("reason"),
            declined_at_ms: r.get("declined_at"),
        })
        .collect())
}

/// Which vendors declined which of these orders' lines, as routing takes them (by line, so
/// one map serves every order).
pub async fn declines_of_orders(
    conn: &mut AnyConnection,
    order_ids: &[i64],
) -> Result<Declines, DbError> {
    let mut declines = Declines::new();
    for chunk in order_ids.chunks(crate::db::sql::IN_LIST_CHUNK) {
        let sql = format!(
            "SELECT d.order_line_id, d.vendor_id FROM line_declines d
             JOIN order_lines l ON l.id = d.order_line_id
             WHERE l.order_id IN ({})",
            crate::db::sql::placeholders(1, chunk.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut *conn).await? {
            declines
                .entry(row.get("order_line_id"))
                .or_default()
                .insert(row.get("vendor_id"));
        }
    }
    Ok(declines)
}

/// Which vendors declined which of the order's lines, as routing takes them.
pub async fn declines_of_order(
    conn: &mut AnyConnection,
    order_id: i64,
) -> Result<Declines, DbError> {
    let mut declines = Declines::new();
    for decline in line_declines(conn, order_id).await? {
        declines
            .entry(decline.order_line_id)
            .or_default()
            .insert(decline.vendor_id);
    }
    Ok(declines)
}

/// The stores the vendor has purchase orders in (id, name), for the tracking upload's store
/// choice: a vendor is shown no store it does not ship for.
pub async fn stores_of_vendor(db: &Db, vendor_id: i64) -> Result<Vec<(i64, String)>, DbError> {
    Ok(sqlx::query(
        "SELECT s.id, s.name FROM stores s
         WHERE s.removed_at IS NULL AND EXISTS (
             SELECT 1 FROM purchase_orders po JOIN orders o ON o.id = po.order_id
             WHERE po.vendor_id = $1 AND o.store_id = s.id)
         ORDER BY s.name, s.id",
    )
    .bind(vendor_id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| (r.get("id"), r.get("name")))
    .collect())
}
