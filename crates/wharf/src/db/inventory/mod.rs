//! Inventory: vendors' warehouses and reported stock, what each store's items are (for
//! matching SKUs and naming items to BigCommerce), what is allocated to orders, and the levels
//! BigCommerce last confirmed.
//! What BigCommerce confirmed, refused and drifted from is in `published.rs`; the reported
//! levels themselves in `vendor_stock.rs`; stock feeds are in `feeds.rs`; one vendor's rows,
//! as its portal pages them, in `reported.rs`; the store's tracked items in `store_items.rs`.

pub mod changes;
mod feeds;
mod item_page;
mod published;
mod reported;
mod store_items;
mod vendor_stock;

pub use feeds::{Feed, add_feed, delete_feed, feed_ran, feeds, update_feed};
pub use item_page::{
    ItemKey, ItemPageQuery, NamedStockRow, item_page, published_for, stock_rows_naming,
};
pub use published::{
    Drift, Published, confirm, drift_report, flag, forget_confirmed, published, published_count,
    record_drift, refused, release_push_lease, renew_push_lease, take_push_lease,
};
pub use reported::{ReportedStockCursor, ReportedStockRow, reported_stock_page};
pub use store_items::{
    ItemPage, StoreItem, shared_skus, store_items, store_items_after, store_items_named,
    store_items_with_ids,
};
pub use vendor_stock::{
    NewStock, StockRow, clear_unmatched, drop_oldest_unmatched, matched_skus, matched_stock_rows,
    rekey_stock, set_stock, unmatched_count, unmatched_skus,
};

use std::collections::HashMap;

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::db::{Db, DbError, now_ms};
use crate::domain::inventory::SkuMatching;

/// The warehouse every vendor reports into unless it names another.
pub const MAIN_WAREHOUSE: &str = "main";

/// A vendor's stock terms.
#[derive(Debug, Clone)]
pub struct VendorStockTerms {
    pub vendor_id: i64,
    pub buffer: i64,
    pub stale_after_secs: Option<i64>,
    pub reported_at_ms: Option<i64>,
    pub matching: SkuMatching,
}

impl VendorStockTerms {
    pub fn fresh_at(&self, now_ms: i64) -> bool {
        match (self.stale_after_secs, self.reported_at_ms) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(secs), Some(at)) => now_ms - at <= secs * 1000,
        }
    }
}

pub async fn vendor_terms(db: &Db) -> Result<Vec<VendorStockTerms>, DbError> {
    let rows = sqlx::query(
        "SELECT id, stock_buffer, stock_stale_after_secs, stock_reported_at, sku_case_insensitive, sku_strip_prefix
         FROM vendors ORDER BY id",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| VendorStockTerms {
            vendor_id: r.get("id"),
            buffer: r.get("stock_buffer"),
            stale_after_secs: r.get("stock_stale_after_secs"),
            reported_at_ms: r.get("stock_reported_at"),
            matching: SkuMatching {
                case_insensitive: r.get::<i64, _>("sku_case_insensitive") != 0,
                strip_prefix: r.get("sku_strip_prefix"),
            },
        })
        .collect())
}

pub async fn set_vendor_terms(
    db: &Db,
    vendor_id: i64,
    buffer: i64,
    stale_after_secs: Option<i64>,
    matching: &SkuMatching,
) -> Result<bool, DbError> {
    let updated = sqlx::query(
        "UPDATE vendors SET stock_buffer = $2, stock_stale_after_secs = $3, sku_case_insensitive = $4,
                sku_strip_prefix = $5, updated_at = $6 WHERE id = $1",
    )
    .bind(vendor_id)
    .bind(buffer)
    .bind(stale_after_secs)
    .bind(matching.case_insensitive as i64)
    .bind(matching.strip_prefix.as_deref())
    .bind(now_ms())
    .execute(db.pool())
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// The vendor's warehouse with this code, created on first use. Returns its id.
pub async fn warehouse(
    conn: &mut AnyConnection,
    vendor_id: i64,
    code: &str,
) -> Result<i64, DbError> {
    sqlx::query(
        "INSERT INTO warehouses (vendor_id, code, location_id, created_at) VALUES ($1, $2, 1, $3)
         ON CONFLICT (vendor_id, code) DO NOTHING",
    )
    .bind(vendor_id)
    .bind(code)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(
        sqlx::query("SELECT id FROM warehouses WHERE vendor_id = $1 AND code = $2")
            .bind(vendor_id)
            .bind(code)
            .fetch_one(&mut *conn)
            .await?
            .get("id"),
    )
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Warehouse {
    pub id: i64,
    pub vendor_id: i64,
    pub code: String,
    pub location_id: i64,
}

pub async fn warehouses(db: &Db, vendor_id: Option<i64>) -> Result<Vec<Warehouse>, DbError> {
    let rows = sqlx::query(
        "SELECT id, vendor_id, code, location_id FROM warehouses WHERE ($1 < 0 OR vendor_id = $1) ORDER BY vendor_id, code",
    )
    .bind(vendor_id.unwrap_or(-1))
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| Warehouse {
            id: r.get("id"),
            vendor_id: r.get("vendor_id"),
            code: r.get("code"),
            location_id: r.get("location_id"),
        })
        .collect())
}

/// Maps a warehouse to a BigCommerce inventory location.
pub async fn set_warehouse_location(
    db: &Db,
    warehouse_id: i64,
    location_id: i64,
) -> Result<bool, DbError> {
    Ok(
        sqlx::query("UPDATE warehouses SET location_id = $2 WHERE id = $1")
            .bind(warehouse_id)
            .bind(location_id)
            .execute(db.pool())
            .await?
            .rows_affected()
            == 1,
    )
}

/// The ids to bind to an `IN (…)` list; an empty list binds one id no row has, as `IN ()` is
/// not SQL.
fn ids_or_none(ids: &[i64]) -> Vec<i64> {
    if ids.is_empty() {
        vec![-1]
    } else {
        ids.to_vec()
    }
}

/// Units of each variant that orders have taken and the vendors' stock reports don't reflect
/// yet: lines of open orders (routed or not: BigCommerce counted them sold when they were
/// placed) minus what shipped before the shipping vendor's latest stock report. A unit shipped
/// after it is still on hand in the vendor's last report, so it stays allocated until the next
/// report; a shipment made in BigCommerce (the merchant's own stock) counts at once. Lines
/// wharf has no shipment of go by BigCommerce's `quantity_shipped`.
/// With `variant_ids`, only those variants' units.
pub async fn allocated(
    db: &Db,
    store_id: i64,
    variant_ids: Option<&[i64]>,
) -> Result<HashMap<i64, i64>, DbError> {
    let only = match variant_ids {
        None => String::new(),
        Some(ids) => format!(
            " AND l.variant_id IN ({})",
            (0..ids.len().max(1))
                .map(|i| format!("${}", i + 2))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let sql = format!(
        "SELECT l.variant_id, l.quantity, l.quantity_shipped,
                (SELECT COUNT(*) FROM shipment_lines sl WHERE sl.order_line_id = l.id) AS recorded,
                COALESCE((SELECT CAST(SUM(sl.quantity - sl.already_shipped) AS BIGINT)
                          FROM shipment_lines sl JOIN shipments s ON s.id = sl.shipment_id
                          LEFT JOIN purchase_orders po ON po.id = s.purchase_order_id
                          LEFT JOIN vendors v ON v.id = po.vendor_id
                          WHERE sl.order_line_id = l.id
                            AND (s.source = 'bigcommerce' OR s.created_at <= COALESCE(v.stock_reported_at, 0))), 0) AS settled
         FROM order_lines l JOIN orders o ON o.id = l.order_id
         WHERE o.store_id = $1 AND l.variant_id IS NOT NULL AND l.kind = 'physical'
           AND o.routing_state <> 'cancelled' AND o.is_archived = 0
           AND o.status_id NOT IN (0, 4, 5, 6, 10){only}"
    );
    let mut query = sqlx::query(AssertSqlSafe(sql)).bind(store_id);
    if let Some(ids) = variant_ids {
        for id in ids_or_none(ids) {
            query = query.bind(id);
        }
    }
    let rows = query.fetch_all(db.pool()).await?;
    let mut allocated: HashMap<i64, i64> = HashMap::new();
    for r in rows {
        let shipped = if r.get::<i64, _>("recorded") > 0 {
            r.get::<i64, _>("settled")
        } else {
            r.get::<i64, _>("quantity_shipped")
        };
        let open = (r.get::<i64, _>("quantity") - shipped).max(0);
        if open > 0 {
            *allocated.entry(r.get("variant_id")).or_default() += open;
        }
    }
    Ok(allocated)
}
