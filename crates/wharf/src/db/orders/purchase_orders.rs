//! Purchase orders: what each vendor is asked to ship of an order, and where to. A purchase
//! order's state (`domain::purchase_order::PurchaseOrderState`) is derived here, in SQL, once
//! ([`STATE_OF_PURCHASE_ORDER`]), so the vendor's filter and every answer agree.

use std::collections::HashMap;
use std::sync::LazyLock;

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::db::shipments::SHIPPED_OF_LINE;
use crate::db::{Db, DbError};
use crate::domain::purchase_order::PurchaseOrderState;

/// The state of purchase order `po`: cancelled; closed when no line is left on it (every one
/// declined); shipped when no line has units unshipped; partly shipped when some have shipped;
/// accepted; else open.
pub(crate) static STATE_OF_PURCHASE_ORDER: LazyLock<String> = LazyLock::new(|| {
    let lines = "FROM purchase_order_lines pl JOIN order_lines l ON l.id = pl.order_line_id
                 WHERE pl.purchase_order_id = po.id";
    format!(
        "CASE WHEN po.status = 'cancelled' THEN 'cancelled'
              WHEN NOT EXISTS (SELECT 1 {lines}) THEN 'closed'
              WHEN NOT EXISTS (SELECT 1 {lines} AND l.quantity > {SHIPPED_OF_LINE}) THEN 'shipped'
              WHEN EXISTS (SELECT 1 {lines} AND {SHIPPED_OF_LINE} > 0) THEN 'partly_shipped'
              WHEN po.accepted_at IS NOT NULL THEN 'accepted'
              ELSE 'open' END"
    )
});

/// The columns [`load_purchase_orders`] reads of each purchase order `po` (with its order `o`
/// and the order's binding `b`).
pub(crate) static PURCHASE_ORDER_COLUMNS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "po.id, po.order_id, b.external_id, po.vendor_id, po.status, po.created_at, po.accepted_at,
         po.accepted_by, o.date_created, o.customer_message, {} AS state",
        *STATE_OF_PURCHASE_ORDER
    )
});

/// A line the vendor said it can't fulfil: it left the vendor's purchase order.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct DeclinedLine {
    pub order_line_id: i64,
    pub name: String,
    pub sku: Option<String>,
    pub quantity: i64,
    pub reason: String,
    pub declined_at_ms: i64,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct PurchaseOrderLine {
    pub order_line_id: i64,
    pub name: String,
    pub sku: Option<String>,
    pub quantity: i64,
    /// Covered by shipments recorded in wharf (the vendor's, and any made in BigCommerce).
    pub quantity_shipped: i64,
    /// What BigCommerce said was shipped of the line when wharf last read the order.
    pub quantity_shipped_in_bigcommerce: i64,
    pub address_id: Option<i64>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct PurchaseOrderAddress {
    pub id: i64,
    pub name: String,
    pub company: Option<String>,
    pub street_1: String,
    pub street_2: Option<String>,
    pub city: String,
    pub state: Option<String>,
    pub zip: Option<String>,
    pub country_iso2: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PurchaseOrder {
    pub id: i64,
    pub order_id: i64,
    /// The store's order number (BigCommerce's order id).
    pub order_external_id: i64,
    pub vendor_id: i64,
    /// `open` or `cancelled` as stored; `closed` once every line was declined.
    pub status: String,
    /// Where it stands: open, accepted, partly_shipped, shipped, cancelled or closed.
    pub state: PurchaseOrderState,
    pub created_at_ms: i64,
    /// When the customer placed the order, as BigCommerce says.
    pub order_placed_at_ms: Option<i64>,
    /// When the vendor accepted it, and who ("API token" or the vendor user's name).
    pub accepted_at_ms: Option<i64>,
    pub accepted_by: Option<String>,
    /// The customer's message at checkout: the order's note for the vendor.
    pub customer_message: Option<String>,
    pub lines: Vec<PurchaseOrderLine>,
    pub addresses: Vec<PurchaseOrderAddress>,
    /// Lines the vendor declined, which left this purchase order.
    pub declined_lines: Vec<DeclinedLine>,
}

/// Purchase orders of an order, or of a vendor (optionally only open ones).
pub async fn purchase_orders(
    db: &Db,
    order_id: Option<i64>,
    vendor_id: Option<i64>,
    only_open: bool,
) -> Result<Vec<PurchaseOrder>, DbError> {
    let sql = format!(
        "SELECT {} FROM purchase_orders po
         JOIN orders o ON o.id = po.order_id
         JOIN bindings b ON b.kind = 'order' AND b.local_id = po.order_id
         WHERE ($1 < 0 OR po.order_id = $1) AND ($2 < 0 OR po.vendor_id = $2) AND ($3 = 0 OR po.status = 'open')
         ORDER BY po.id",
        *PURCHASE_ORDER_COLUMNS
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(order_id.unwrap_or(-1))
        .bind(vendor_id.unwrap_or(-1))
        .bind(only_open as i64)
        .fetch_all(db.pool())
        .await?;
    load_purchase_orders(db, &rows).await
}

/// One purchase order, if it is the vendor's (another vendor's reads as none).
pub async fn vendor_purchase_order(
    db: &Db,
    vendor_id: i64,
    purchase_order_id: i64,
) -> Result<Option<PurchaseOrder>, DbError> {
    let sql = format!(
        "SELECT {} FROM purchase_orders po
         JOIN orders o ON o.id = po.order_id
         JOIN bindings b ON b.kind = 'order' AND b.local_id = po.order_id
         WHERE po.id = $1 AND po.vendor_id = $2",
        *PURCHASE_ORDER_COLUMNS
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(purchase_order_id)
        .bind(vendor_id)
        .fetch_all(db.pool())
        .await?;
    Ok(load_purchase_orders(db, &rows).await?.pop())
}

/// Each purchase order of rows selected as [`PURCHASE_ORDER_COLUMNS`], with its lines,
/// addresses and declined lines, in the rows' order.
pub(crate) async fn load_purchase_orders(
    db: &Db,
    rows: &[AnyRow],
) -> Result<Vec<PurchaseOrder>, DbError> {
    let mut orders = Vec::with_capacity(rows.len());
    for r in rows {
        let id: i64 = r.get("id");
        let lines_sql = format!(
            "SELECT l.id AS order_line_id, l.name, l.sku, pl.quantity, l.address_id,
                    l.quantity_shipped AS quantity_shipped_in_bigcommerce,
                    {SHIPPED_OF_LINE} AS quantity_shipped
             FROM purchase_order_lines pl JOIN order_lines l ON l.id = pl.order_line_id
             WHERE pl.purchase_order_id = $1 ORDER BY l.id"
        );
        let lines: Vec<PurchaseOrderLine> = sqlx::query_as(sqlx::AssertSqlSafe(lines_sql))
            .bind(id)
            .fetch_all(db.pool())
            .await?;
        let addresses = sqlx::query_as(
            "SELECT DISTINCT a.id, a.name, a.company, a.street_1, a.street_2, a.city, a.state, a.zip, a.country_iso2, a.phone
             FROM purchase_order_lines pl JOIN order_lines l ON l.id = pl.order_line_id
             JOIN order_addresses a ON a.id = l.address_id
             WHERE pl.purchase_order_id = $1 ORDER BY a.id",
        )
        .bind(id)
        .fetch_all(db.pool())
        .await?;
        let declined_lines = sqlx::query_as(
            "SELECT l.id AS order_line_id, l.name, l.sku, l.quantity, d.reason, d.declined_at AS declined_at_ms
             FROM line_declines d JOIN order_lines l ON l.id = d.order_line_id
             WHERE d.purchase_order_id = $1 ORDER BY d.id",
        )
        .bind(id)
        .fetch_all(db.pool())
        .await?;
        let state: String = r.get("state");
        orders.push(PurchaseOrder {
            id,
            order_id: r.get("order_id"),
            order_external_id: r.get("external_id"),
            vendor_id: r.get("vendor_id"),
            status: r.get("status"),
            state: PurchaseOrderState::parse(&state).ok_or_else(|| {
                DbError::Corrupt(format!("purchase order {id} has no known state ({state})"))
            })?,
            created_at_ms: r.get("created_at"),
            order_placed_at_ms: r.get("date_created"),
            accepted_at_ms: r.get("accepted_at"),
            accepted_by: r.get("accepted_by"),
            customer_message: r.get("customer_message"),
            lines,
            addresses,
            declined_lines,
        });
    }
    Ok(orders)
}

/// The vendors of each order's purchase orders, and whether each accepted its purchase order,
/// for the orders listed (one query).
pub async fn vendors_by_order(
    db: &Db,
    order_ids: &[i64],
) -> Result<HashMap<i64, Vec<(i64, bool)>>, DbError> {
    let mut vendors: HashMap<i64, Vec<(i64, bool)>> = HashMap::new();
    for chunk in order_ids.chunks(crate::db::sql::IN_LIST_CHUNK) {
        let sql = format!(
            "SELECT order_id, vendor_id, CAST(CASE WHEN accepted_at IS NULL THEN 0 ELSE 1 END AS BIGINT) AS accepted
             FROM purchase_orders WHERE order_id IN ({}) ORDER BY order_id, vendor_id",
            crate::db::sql::placeholders(1, chunk.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(db.pool()).await? {
            vendors
                .entry(row.get("order_id"))
                .or_default()
                .push((row.get("vendor_id"), row.get::<i64, _>("accepted") == 1));
        }
    }
    Ok(vendors)
}

/// The purchase order an order line is on, if it was routed.
pub async fn purchase_order_of_line(
    conn: &mut AnyConnection,
    order_line_id: i64,
) -> Result<Option<i64>, DbError> {
    Ok(
        sqlx::query("SELECT purchase_order_id FROM purchase_order_lines WHERE order_line_id = $1")
            .bind(order_line_id)
            .fetch_optional(&mut *conn)
            .await?
            .map(|r| r.get("purchase_order_id")),
    )
}

pub async fn order_of_purchase_order(
    conn: &mut AnyConnection,
    purchase_order_id: i64,
) -> Result<Option<i64>, DbError> {
    Ok(
        sqlx::query("SELECT order_id FROM purchase_orders WHERE id = $1")
            .bind(purchase_order_id)
            .fetch_optional(&mut *conn)
            .await?
            .map(|r| r.get("order_id")),
    )
}
