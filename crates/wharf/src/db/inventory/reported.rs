//! One vendor's reported stock as its portal lists it: a bounded page of rows, keyset-paged on
//! (warehouse, SKU) — the order of `vendor_stock`'s primary key, so a page is an index range
//! however many SKUs the vendor reports — optionally narrowed to SKUs containing a text.

use sqlx::Row;

use crate::db::{Db, DbError};

/// One reported level.
#[derive(Debug, Clone)]
pub struct ReportedStockRow {
    pub warehouse_id: i64,
    pub warehouse: String,
    pub sku: String,
    pub quantity: i64,
    pub updated_at_ms: i64,
    /// The name of a live store product whose SKU (or one of its variants') is the row's match
    /// key, compared without case: what the SKU most likely is. Whether it really counts for
    /// that item (case, routing) is the app's to decide.
    pub product_name: Option<String>,
}

/// Where a page starts: after this (warehouse id, SKU).
pub type ReportedStockCursor = (i64, String);

/// Up to `limit` of the vendor's rows after `after`, in (warehouse, SKU) order; `search`
/// (lowercase, with `%`, `_` and `\` escaped by a backslash) keeps the SKUs that contain it.
pub async fn reported_stock_page(
    db: &Db,
    vendor_id: i64,
    search: &str,
    after: Option<&ReportedStockCursor>,
    limit: i64,
) -> Result<Vec<ReportedStockRow>, DbError> {
    let (after_warehouse, after_sku) = after.map_or((-1, ""), |(w, s)| (*w, s.as_str()));
    let rows = sqlx::query(
        "SELECT s.warehouse_id, w.code, s.sku, s.quantity, s.updated_at,
                COALESCE(
                  (SELECT p.name FROM variants x JOIN products p ON p.id = x.product_id
                   WHERE lower(x.sku) IN (s.match_key) AND x.archived_at IS NULL AND p.archived_at IS NULL
                   ORDER BY x.id LIMIT 1),
                  (SELECT p.name FROM products p
                   WHERE lower(p.sku) IN (s.match_key) AND p.archived_at IS NULL
                   ORDER BY p.id LIMIT 1)) AS product_name
         FROM vendor_stock s JOIN warehouses w ON w.id = s.warehouse_id
         WHERE w.vendor_id = $1
           AND ($2 = '' OR lower(s.sku) LIKE '%' || $2 || '%' ESCAPE '\\')
           AND (s.warehouse_id > $3 OR (s.warehouse_id = $3 AND s.sku > $4))
         ORDER BY s.warehouse_id, s.sku
         LIMIT $5",
    )
    .bind(vendor_id)
    .bind(search)
    .bind(after_warehouse)
    .bind(after_sku)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| ReportedStockRow {
            warehouse_id: r.get("warehouse_id"),
            warehouse: r.get("code"),
            sku: r.get("sku"),
            quantity: r.get("quantity"),
            updated_at_ms: r.get("updated_at"),
            product_name: r.get("product_name"),
        })
        .collect())
}
