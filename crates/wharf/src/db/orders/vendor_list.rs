//! A vendor's purchase orders as its portal lists them: one bounded page, newest first,
//! keyset-paged on the purchase order's id, each row with what the list shows (ship-to name and
//! city, lines, units ordered and shipped) computed in the one query.

use sqlx::{AssertSqlSafe, Row};

use crate::db::{Db, DbError};

/// Which purchase orders a page holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VendorShelf {
    /// Not cancelled, and not every unit shipped: what the vendor still has to do.
    Open,
    /// Cancelled, or every unit shipped.
    Done,
}

/// One purchase order as the list shows it.
#[derive(Debug, Clone)]
pub struct VendorPurchaseOrderRow {
    pub id: i64,
    /// The store's order number.
    pub order_external_id: i64,
    pub status: String,
    pub created_at_ms: i64,
    /// The first shipping address's name and city (a purchase order has at least one when its
    /// lines are physical).
    pub ship_to_name: Option<String>,
    pub ship_to_city: Option<String>,
    pub lines: i64,
    pub units: i64,
    /// Units covered by shipments, each line counted up to its quantity.
    pub units_shipped: i64,
}

/// The purchase order's units shipped, each line counted up to what it ordered.
fn units_shipped_sql() -> String {
    let shipped = crate::db::shipments::SHIPPED_OF_LINE;
    format!(
        "(SELECT CAST(COALESCE(SUM(CASE WHEN {shipped} > pl.quantity THEN pl.quantity ELSE {shipped} END), 0) AS BIGINT)
          FROM purchase_order_lines pl JOIN order_lines l ON l.id = pl.order_line_id
          WHERE pl.purchase_order_id = po.id)"
    )
}

/// The first shipping address's `column` of the purchase order.
fn ship_to_sql(column: &str) -> String {
    format!(
        "(SELECT a.{column} FROM purchase_order_lines pl JOIN order_lines l ON l.id = pl.order_line_id
          JOIN order_addresses a ON a.id = l.address_id
          WHERE pl.purchase_order_id = po.id ORDER BY a.id LIMIT 1)"
    )
}

/// Up to `limit` of the vendor's purchase orders on `shelf` with ids below `before` (all when
/// `None`), newest first.
pub async fn vendor_purchase_order_page(
    db: &Db,
    vendor_id: i64,
    shelf: VendorShelf,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<VendorPurchaseOrderRow>, DbError> {
    let shelf_filter = match shelf {
        VendorShelf::Open => "status <> 'cancelled' AND units_shipped < units",
        VendorShelf::Done => "(status = 'cancelled' OR units_shipped >= units)",
    };
    let sql = format!(
        "SELECT * FROM (
             SELECT po.id, b.external_id, po.status, po.created_at,
                    {name} AS ship_to_name, {city} AS ship_to_city,
                    (SELECT COUNT(*) FROM purchase_order_lines pl WHERE pl.purchase_order_id = po.id) AS lines,
                    (SELECT CAST(COALESCE(SUM(pl.quantity), 0) AS BIGINT) FROM purchase_order_lines pl
                     WHERE pl.purchase_order_id = po.id) AS units,
                    {shipped} AS units_shipped
             FROM purchase_orders po JOIN bindings b ON b.kind = 'order' AND b.local_id = po.order_id
             WHERE po.vendor_id = $1 AND po.id < $2
         ) listed
         WHERE {shelf_filter}
         ORDER BY id DESC LIMIT $3",
        name = ship_to_sql("name"),
        city = ship_to_sql("city"),
        shipped = units_shipped_sql(),
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(vendor_id)
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(db.pool())
        .await?;
    Ok(rows
        .iter()
        .map(|r| VendorPurchaseOrderRow {
            id: r.get("id"),
            order_external_id: r.get("external_id"),
            status: r.get("status"),
            created_at_ms: r.get("created_at"),
            ship_to_name: r.get("ship_to_name"),
            ship_to_city: r.get("ship_to_city"),
            lines: r.get("lines"),
            units: r.get("units"),
            units_shipped: r.get("units_shipped"),
        })
        .collect())
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
