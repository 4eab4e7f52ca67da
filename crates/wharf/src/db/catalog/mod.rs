//! Products, variants, their bindings to BigCommerce ids, and catalog import runs: the runs
//! (`runs.rs`), storing a page of an import (`pages.rs`) and its product and variant rows
//! (`stored.rs`); reading the catalog is here.

mod pages;
mod runs;
mod stored;

pub use pages::{PageChanges, finish_import, store_page};
pub use runs::{
    CATALOG_CURSOR, ImportIssue, ImportRecord, active_import, count_import_issues, create_import,
    fail_import, get_import, import_issues, latest_import, mark_running, note_import_error,
};

use sqlx::{AssertSqlSafe, Row};

use super::{Db, DbError};
use crate::domain::catalog::InventoryTracking;

// ---- reading the catalog -----------------------------------------------------------------

/// One row of the product list: a variant with its product.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CatalogRow {
    pub store_id: i64,
    pub store_name: String,
    pub product_id: i64,
    pub product_external_id: i64,
    pub product_name: String,
    pub product_sku: Option<String>,
    pub brand_name: Option<String>,
    pub inventory_tracking: String,
    pub is_visible: bool,
    pub product_archived: bool,
    pub variant_id: i64,
    pub variant_external_id: i64,
    pub variant_sku: Option<String>,
    pub upc: Option<String>,
    pub gtin: Option<String>,
    pub options: String,
    pub price: Option<String>,
    pub cost_price: Option<String>,
    /// The level that counts under the product's tracking mode.
    pub inventory_level: Option<i64>,
    pub variant_archived: bool,
    /// The vendor an order line of this variant routes to now (`app::products` fills it in);
    /// absent when it would wait in Needs attention.
    pub vendor_id: Option<i64>,
    pub vendor: Option<String>,
}

/// A row of [`search_catalog`]'s query as the database has it; [`CatalogRow`] is what it means.
#[derive(sqlx::FromRow)]
struct CatalogQueryRow {
    store_id: i64,
    store_name: String,
    product_id: i64,
    product_external_id: i64,
    product_name: String,
    product_sku: Option<String>,
    brand_name: Option<String>,
    inventory_tracking: String,
    is_visible: i64,
    product_archived_at: Option<i64>,
    product_level: Option<i64>,
    variant_id: i64,
    variant_external_id: i64,
    variant_sku: Option<String>,
    upc: Option<String>,
    gtin: Option<String>,
    options: String,
    price: Option<String>,
    cost_price: Option<String>,
    variant_level: Option<i64>,
    variant_archived_at: Option<i64>,
}

impl From<CatalogQueryRow> for CatalogRow {
    fn from(r: CatalogQueryRow) -> Self {
        let inventory_level = match InventoryTracking::parse(&r.inventory_tracking) {
            Some(InventoryTracking::Product) => r.product_level,
            Some(InventoryTracking::Variant) => r.variant_level,
            _ => None,
        };
        CatalogRow {
            store_id: r.store_id,
            store_name: r.store_name,
            product_id: r.product_id,
            product_external_id: r.product_external_id,
            product_name: r.product_name,
            product_sku: r.product_sku,
            brand_name: r.brand_name,
            inventory_tracking: r.inventory_tracking,
            is_visible: r.is_visible != 0,
            product_archived: r.product_archived_at.is_some(),
            variant_id: r.variant_id,
            variant_external_id: r.variant_external_id,
            variant_sku: r.variant_sku,
            upc: r.upc,
            gtin: r.gtin,
            options: r.options,
            price: r.price,
            cost_price: r.cost_price,
            inventory_level,
            variant_archived: r.variant_archived_at.is_some(),
            vendor_id: None,
            vendor: None,
        }
    }
}

/// Variants matching `search` (product name, product SKU or variant SKU; case-insensitive).
pub async fn search_catalog(
    db: &Db,
    store_id: Option<i64>,
    search: &str,
    include_archived: bool,
    limit: i64,
    offset: i64,
) -> Result<(Vec<CatalogRow>, i64), DbError> {
    let pattern = format!("%{}%", search.trim().to_lowercase().replace(['%', '_'], ""));
    let filter = "FROM variants v
         JOIN products p ON p.id = v.product_id
         JOIN stores s ON s.id = p.store_id
         JOIN bindings pb ON pb.kind = 'product' AND pb.local_id = p.id
         JOIN bindings vb ON vb.kind = 'variant' AND vb.local_id = v.id
         WHERE s.vendor_id IS NULL AND ($1 < 0 OR p.store_id = $1)
           AND ($2 = 1 OR v.archived_at IS NULL)
           AND (lower(p.name) LIKE $3 OR lower(COALESCE(p.sku, '')) LIKE $3 OR lower(COALESCE(v.sku, '')) LIKE $3)";
    let count_sql = format!("SELECT COUNT(*) AS n {filter}");
    let total: i64 = sqlx::query(AssertSqlSafe(count_sql))
        .bind(store_id.unwrap_or(-1))
        .bind(include_archived as i64)
        .bind(&pattern)
        .fetch_one(db.pool())
        .await?
        .get("n");
    let rows_sql = format!(
        "SELECT s.id AS store_id, s.name AS store_name, p.id AS product_id, pb.external_id AS product_external_id,
                p.name AS product_name, p.sku AS product_sku, p.brand_name, p.inventory_tracking, p.is_visible,
                p.archived_at AS product_archived_at, p.inventory_level AS product_level,
                v.id AS variant_id, vb.external_id AS variant_external_id, v.sku AS variant_sku, v.upc, v.gtin,
                v.options, COALESCE(v.price, p.price) AS price, COALESCE(v.cost_price, p.cost_price) AS cost_price,
                v.inventory_level AS variant_level, v.archived_at AS variant_archived_at
         {filter}
         ORDER BY lower(p.name), p.id, v.id LIMIT $4 OFFSET $5"
    );
    let records: Vec<CatalogQueryRow> = sqlx::query_as(AssertSqlSafe(rows_sql))
        .bind(store_id.unwrap_or(-1))
        .bind(include_archived as i64)
        .bind(&pattern)
        .bind(limit)
        .bind(offset)
        .fetch_all(db.pool())
        .await?;
    let rows = records.into_iter().map(CatalogRow::from).collect();
    Ok((rows, total))
}

/// Live (not archived) products and variants of a store.
pub async fn catalog_size(db: &Db, store_id: i64) -> Result<(i64, i64), DbError> {
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM products WHERE store_id = $1 AND archived_at IS NULL) AS products,
                (SELECT COUNT(*) FROM variants WHERE store_id = $1 AND archived_at IS NULL) AS variants",
    )
    .bind(store_id)
    .fetch_one(db.pool())
    .await?;
    Ok((row.get("products"), row.get("variants")))
}
