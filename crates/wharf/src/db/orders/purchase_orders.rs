//! Purchase orders: what each vendor is asked to ship of an order, and where to.

use std::collections::HashMap;

use sqlx::{AnyConnection, Row};

use crate::db::{Db, DbError};

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
    pub order_external_id: i64,
    pub vendor_id: i64,
    pub status: String,
    pub created_at_ms: i64,
    pub lines: Vec<PurchaseOrderLine>,
    pub addresses: Vec<PurchaseOrderAddress>,
}

/// Purchase orders of an order, or of a vendor (optionally only open ones).
pub async fn purchase_orders(
    db: &Db,
    order_id: Option<i64>,
    vendor_id: Option<i64>,
    only_open: bool,
) -> Result<Vec<PurchaseOrder>, DbError> {
    let rows = sqlx::query(
        "SELECT po.id, po.order_id, b.external_id, po.vendor_id, po.status, po.created_at
         FROM purchase_orders po JOIN bindings b ON b.kind = 'order' AND b.local_id = po.order_id
         WHERE ($1 < 0 OR po.order_id = $1) AND ($2 < 0 OR po.vendor_id = $2) AND ($3 = 0 OR po.status = 'open')
         ORDER BY po.id",
    )
    .bind(order_id.unwrap_or(-1))
    .bind(vendor_id.unwrap_or(-1))
    .bind(only_open as i64)
    .fetch_all(db.pool())
    .await?;
    let mut orders = Vec::with_capacity(rows.len());
    for r in &rows {
        orders.push(with_lines(db, r).await?);
    }
    Ok(orders)
}

/// One purchase order, if it is `vendor_id`'s: another vendor's reads as none at all.
pub async fn vendor_purchase_order(
    db: &Db,
    vendor_id: i64,
    purchase_order_id: i64,
) -> Result<Option<PurchaseOrder>, DbError> {
    let row = sqlx::query(
        "SELECT po.id, po.order_id, b.external_id, po.vendor_id, po.status, po.created_at
         FROM purchase_orders po JOIN bindings b ON b.kind = 'order' AND b.local_id = po.order_id
         WHERE po.id = $1 AND po.vendor_id = $2",
    )
    .bind(purchase_order_id)
    .bind(vendor_id)
    .fetch_optional(db.pool())
    .await?;
    match row {
        Some(row) => Ok(Some(with_lines(db, &row).await?)),
        None => Ok(None),
    }
}

/// A purchase order row with its lines (what is shipped of each) and the addresses they go to.
async fn with_lines(db: &Db, r: &sqlx::any::AnyRow) -> Result<PurchaseOrder, DbError> {
    let id: i64 = r.get("id");
    let lines_sql = format!(
        "SELECT l.id AS order_line_id, l.name, l.sku, pl.quantity, l.address_id,
                l.quantity_shipped AS quantity_shipped_in_bigcommerce,
                {} AS quantity_shipped
         FROM purchase_order_lines pl JOIN order_lines l ON l.id = pl.order_line_id
         WHERE pl.purchase_order_id = $1 ORDER BY l.id",
        crate::db::shipments::SHIPPED_OF_LINE
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
    Ok(PurchaseOrder {
        id,
        order_id: r.get("order_id"),
        order_external_id: r.get("external_id"),
        vendor_id: r.get("vendor_id"),
        status: r.get("status"),
        created_at_ms: r.get("created_at"),
        lines,
        addresses,
    })
}

/// The vendors of each order's purchase orders, for the orders listed (one query).
pub async fn vendors_by_order(
    db: &Db,
    order_ids: &[i64],
) -> Result<HashMap<i64, Vec<i64>>, DbError> {
    let mut vendors: HashMap<i64, Vec<i64>> = HashMap::new();
    for chunk in order_ids.chunks(crate::db::sql::IN_LIST_CHUNK) {
        let sql = format!(
            "SELECT order_id, vendor_id FROM purchase_orders WHERE order_id IN ({}) ORDER BY order_id, vendor_id",
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
                .push(row.get("vendor_id"));
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
