//! Inventory: vendors' warehouses and reported stock, what each store's items are (for
//! matching SKUs and naming items to BigCommerce), what is allocated to orders, and the levels
//! BigCommerce last confirmed.

use std::collections::HashMap;

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::sql::{ROWS_PER_INSERT, values_rows};
use super::{Db, DbError, now_ms};
// `ItemKind` is re-exported for callers that read store items (the bench does).
pub use crate::domain::inventory::ItemKind;
use crate::domain::inventory::{ItemAt, SkuMatching};

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

/// Records absolute stock levels (warehouse id, vendor SKU, quantity) and when the vendor
/// reported.
pub async fn set_stock(
    conn: &mut AnyConnection,
    vendor_id: i64,
    levels: &[(i64, String, i64)],
) -> Result<(), DbError> {
    let now = now_ms();
    for chunk in levels.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO vendor_stock (warehouse_id, sku, quantity, updated_at) VALUES {}
             ON CONFLICT (warehouse_id, sku) DO UPDATE SET quantity = excluded.quantity, updated_at = excluded.updated_at",
            values_rows(chunk.len(), 4)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for (warehouse_id, sku, quantity) in chunk {
            query = query
                .bind(*warehouse_id)
                .bind(sku)
                .bind(*quantity)
                .bind(now);
        }
        query.execute(&mut *conn).await?;
    }
    sqlx::query("UPDATE vendors SET stock_reported_at = $2 WHERE id = $1")
        .bind(vendor_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// One reported stock level with the location its warehouse publishes at.
#[derive(Debug, Clone)]
pub struct StockRow {
    pub vendor_id: i64,
    pub warehouse_id: i64,
    pub updated_at_ms: i64,
    pub location_id: i64,
    pub sku: String,
    pub quantity: i64,
}

pub async fn stock_rows(db: &Db, vendor_id: Option<i64>) -> Result<Vec<StockRow>, DbError> {
    let rows = sqlx::query(
        "SELECT w.vendor_id, s.warehouse_id, s.updated_at, w.location_id, s.sku, s.quantity FROM vendor_stock s JOIN warehouses w ON w.id = s.warehouse_id
         WHERE ($1 < 0 OR w.vendor_id = $1)",
    )
    .bind(vendor_id.unwrap_or(-1))
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| StockRow {
            vendor_id: r.get("vendor_id"),
            warehouse_id: r.get("warehouse_id"),
            updated_at_ms: r.get("updated_at"),
            location_id: r.get("location_id"),
            sku: r.get("sku"),
            quantity: r.get("quantity"),
        })
        .collect())
}

/// A store item whose stock BigCommerce tracks, with the SKUs that name it.
#[derive(Debug, Clone)]
pub struct StoreItem {
    pub kind: ItemKind,
    pub id: i64,
    /// BigCommerce's variant or product id.
    pub external_id: i64,
    /// The variant's SKU; for a product, its own and its variants' SKUs.
    pub skus: Vec<String>,
    /// The local variant ids whose orders consume this item's stock.
    pub variant_ids: Vec<i64>,
}

/// The store's tracked items (archived ones and untracked products left out).
pub async fn store_items(db: &Db, store_id: i64) -> Result<Vec<StoreItem>, DbError> {
    let variants = sqlx::query(
        "SELECT v.id, v.sku, vb.external_id, p.inventory_tracking FROM variants v
         JOIN products p ON p.id = v.product_id
         JOIN bindings vb ON vb.kind = 'variant' AND vb.local_id = v.id
         WHERE v.store_id = $1 AND v.archived_at IS NULL AND p.archived_at IS NULL AND p.inventory_tracking = 'variant'",
    )
    .bind(store_id)
    .fetch_all(db.pool())
    .await?;
    let mut items: Vec<StoreItem> = variants
        .iter()
        .map(|r| StoreItem {
            kind: ItemKind::Variant,
            id: r.get("id"),
            external_id: r.get("external_id"),
            skus: r.get::<Option<String>, _>("sku").into_iter().collect(),
            variant_ids: vec![r.get("id")],
        })
        .collect();
    let products = sqlx::query(
        "SELECT p.id, p.sku, pb.external_id, v.id AS variant_id, v.sku AS variant_sku FROM products p
         JOIN bindings pb ON pb.kind = 'product' AND pb.local_id = p.id
         LEFT JOIN variants v ON v.product_id = p.id AND v.archived_at IS NULL
         WHERE p.store_id = $1 AND p.archived_at IS NULL AND p.inventory_tracking = 'product'
         ORDER BY p.id",
    )
    .bind(store_id)
    .fetch_all(db.pool())
    .await?;
    let mut by_product: HashMap<i64, usize> = HashMap::new();
    for r in &products {
        let id: i64 = r.get("id");
        let index = *by_product.entry(id).or_insert_with(|| {
            items.push(StoreItem {
                kind: ItemKind::Product,
                id,
                external_id: r.get("external_id"),
                skus: r.get::<Option<String>, _>("sku").into_iter().collect(),
                variant_ids: Vec::new(),
            });
            items.len() - 1
        });
        if let Some(variant_id) = r.get::<Option<i64>, _>("variant_id") {
            items[index].variant_ids.push(variant_id);
        }
        if let Some(sku) = r.get::<Option<String>, _>("variant_sku")
            && !items[index].skus.contains(&sku)
        {
            items[index].skus.push(sku);
        }
    }
    Ok(items)
}

/// Units of each variant that orders have taken and the vendors' stock reports don't reflect
/// yet: lines of open orders (routed or not: BigCommerce counted them sold when they were
/// placed) minus what shipped before the shipping vendor's latest stock report. A unit shipped
/// after it is still on hand in the vendor's last report, so it stays allocated until the next
/// report; a shipment made in BigCommerce (the merchant's own stock) counts at once. Lines
/// wharf has no shipment of go by BigCommerce's `quantity_shipped`.
pub async fn allocated(db: &Db, store_id: i64) -> Result<HashMap<i64, i64>, DbError> {
    let rows = sqlx::query(
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
           AND o.status_id NOT IN (0, 4, 5, 6, 10)",
    )
    .bind(store_id)
    .fetch_all(db.pool())
    .await?;
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

/// A level BigCommerce confirmed (or refused) for an item at a location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub quantity: Option<i64>,
    pub error: Option<String>,
}

pub async fn published(db: &Db, store_id: i64) -> Result<HashMap<ItemAt, Published>, DbError> {
    let rows = sqlx::query(
        "SELECT item_kind, item_id, location_id, quantity, error FROM published_stock WHERE store_id = $1",
    )
    .bind(store_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                item_at(r)?,
                Published {
                    quantity: r.get("quantity"),
                    error: r.get("error"),
                },
            ))
        })
        .collect()
}

/// BigCommerce took these levels.
pub async fn confirm(db: &Db, store_id: i64, levels: &[(ItemAt, i64)]) -> Result<(), DbError> {
    let now = now_ms();
    let mut conn = db.pool().acquire().await?;
    for chunk in levels.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO published_stock (store_id, item_kind, item_id, location_id, quantity, error, pushed_at) VALUES {}
             ON CONFLICT (store_id, item_kind, item_id, location_id)
             DO UPDATE SET quantity = excluded.quantity, error = NULL, pushed_at = excluded.pushed_at",
            values_rows(chunk.len(), 7)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for (at, quantity) in chunk {
            query = query
                .bind(store_id)
                .bind(at.kind.as_str())
                .bind(at.item_id)
                .bind(at.location_id)
                .bind(*quantity)
                .bind(None::<String>)
                .bind(now);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// BigCommerce refused these items; the confirmed level (if any) stays as it was.
pub async fn flag(db: &Db, store_id: i64, items: &[ItemAt], error: &str) -> Result<(), DbError> {
    let now = now_ms();
    for at in items {
        sqlx::query(
            "INSERT INTO published_stock (store_id, item_kind, item_id, location_id, quantity, error, pushed_at)
             VALUES ($1, $2, $3, $4, NULL, $5, $6)
             ON CONFLICT (store_id, item_kind, item_id, location_id) DO UPDATE SET error = excluded.error, pushed_at = excluded.pushed_at",
        )
        .bind(store_id)
        .bind(at.kind.as_str())
        .bind(at.item_id)
        .bind(at.location_id)
        .bind(error)
        .bind(now)
        .execute(db.pool())
        .await?;
    }
    Ok(())
}

/// Forgets what BigCommerce confirmed for these items, so the next push sends them again (the
/// drift check found BigCommerce holding something else).
pub async fn forget_confirmed(db: &Db, store_id: i64, items: &[ItemAt]) -> Result<(), DbError> {
    for at in items {
        sqlx::query(
            "UPDATE published_stock SET quantity = NULL WHERE store_id = $1 AND item_kind = $2 AND item_id = $3 AND location_id = $4",
        )
        .bind(store_id)
        .bind(at.kind.as_str())
        .bind(at.item_id)
        .bind(at.location_id)
        .execute(db.pool())
        .await?;
    }
    Ok(())
}

/// Takes the store's push lease (one push in flight per store, across processes); false when
/// another push holds it.
pub async fn take_push_lease(db: &Db, store_id: i64, lease_ms: i64) -> Result<bool, DbError> {
    let now = now_ms();
    Ok(sqlx::query(
        "UPDATE stores SET inventory_push_until = $2 WHERE id = $1 AND inventory_push_until < $3",
    )
    .bind(store_id)
    .bind(now + lease_ms)
    .bind(now)
    .execute(db.pool())
    .await?
    .rows_affected()
        == 1)
}

/// Keeps the store's push lease while the push runs (each batch may wait on the rate limit).
pub async fn renew_push_lease(db: &Db, store_id: i64, lease_ms: i64) -> Result<(), DbError> {
    sqlx::query("UPDATE stores SET inventory_push_until = $2 WHERE id = $1")
        .bind(store_id)
        .bind(now_ms() + lease_ms)
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn release_push_lease(db: &Db, store_id: i64) -> Result<(), DbError> {
    sqlx::query("UPDATE stores SET inventory_push_until = 0 WHERE id = $1")
        .bind(store_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// A difference the drift check found.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Drift {
    pub checked_at_ms: i64,
    pub item_kind: ItemKind,
    pub item_id: i64,
    pub location_id: i64,
    pub sku: Option<String>,
    pub expected: i64,
    pub found: i64,
}

/// Replaces the store's drift report with the latest check's findings.
pub async fn record_drift(db: &Db, store_id: i64, drift: &[Drift]) -> Result<(), DbError> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM inventory_drift WHERE store_id = $1")
        .bind(store_id)
        .execute(&mut *tx)
        .await?;
    for d in drift {
        sqlx::query(
            "INSERT INTO inventory_drift (store_id, checked_at, item_kind, item_id, location_id, sku, expected, found)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(store_id)
        .bind(d.checked_at_ms)
        .bind(d.item_kind.as_str())
        .bind(d.item_id)
        .bind(d.location_id)
        .bind(d.sku.as_deref())
        .bind(d.expected)
        .bind(d.found)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn drift_report(db: &Db, store_id: i64) -> Result<Vec<Drift>, DbError> {
    let rows = sqlx::query(
        "SELECT checked_at, item_kind, item_id, location_id, sku, expected, found FROM inventory_drift
         WHERE store_id = $1 ORDER BY sku, item_id",
    )
    .bind(store_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Drift {
                checked_at_ms: r.get("checked_at"),
                item_kind: item_kind(r)?,
                item_id: r.get("item_id"),
                location_id: r.get("location_id"),
                sku: r.get("sku"),
                expected: r.get("expected"),
                found: r.get("found"),
            })
        })
        .collect()
}

/// A stock feed: a CSV fetched from a URL on a schedule.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Feed {
    pub id: i64,
    pub vendor_id: i64,
    /// The URL without its query string (which may hold a token).
    pub url_shown: String,
    #[serde(skip)]
    pub url_sealed: String,
    pub interval_secs: i64,
    pub mapping: crate::domain::stock_csv::ColumnMapping,
    pub last_run_at_ms: Option<i64>,
    pub last_fresh_at_ms: Option<i64>,
    pub last_error: Option<String>,
}

pub async fn add_feed(
    db: &Db,
    vendor_id: i64,
    url_sealed: &str,
    url_shown: &str,
    interval_secs: i64,
    mapping: &crate::domain::stock_csv::ColumnMapping,
) -> Result<i64, DbError> {
    let mapping = serde_json::to_string(mapping).map_err(|e| DbError::Corrupt(e.to_string()))?;
    Ok(sqlx::query(
        "INSERT INTO stock_feeds (vendor_id, url_sealed, url_shown, interval_secs, mapping, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(vendor_id)
    .bind(url_sealed)
    .bind(url_shown)
    .bind(interval_secs)
    .bind(mapping)
    .bind(now_ms())
    .fetch_one(db.pool())
    .await?
    .get("id"))
}

pub async fn feeds(db: &Db, vendor_id: Option<i64>) -> Result<Vec<Feed>, DbError> {
    let rows = sqlx::query(
        "SELECT id, vendor_id, url_sealed, url_shown, interval_secs, mapping, last_run_at, last_fresh_at, last_error
         FROM stock_feeds WHERE ($1 < 0 OR vendor_id = $1) ORDER BY id",
    )
    .bind(vendor_id.unwrap_or(-1))
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Feed {
                id: r.get("id"),
                vendor_id: r.get("vendor_id"),
                url_shown: r.get("url_shown"),
                url_sealed: r.get("url_sealed"),
                interval_secs: r.get("interval_secs"),
                mapping: serde_json::from_str(r.get("mapping"))
                    .map_err(|e| DbError::Corrupt(format!("feed mapping: {e}")))?,
                last_run_at_ms: r.get("last_run_at"),
                last_fresh_at_ms: r.get("last_fresh_at"),
                last_error: r.get("last_error"),
            })
        })
        .collect()
}

/// Records a feed run: fresh (applied) or the error that stopped it.
pub async fn feed_ran(db: &Db, feed_id: i64, error: Option<&str>) -> Result<(), DbError> {
    let now = now_ms();
    sqlx::query(
        "UPDATE stock_feeds SET last_run_at = $2, last_error = $3,
                last_fresh_at = CASE WHEN $3 IS NULL THEN $2 ELSE last_fresh_at END
         WHERE id = $1",
    )
    .bind(feed_id)
    .bind(now)
    .bind(error)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Items BigCommerce refused, with its message, for the store's inventory page.
pub async fn refused(db: &Db, store_id: i64) -> Result<Vec<(ItemAt, String)>, DbError> {
    let rows = sqlx::query(
        "SELECT item_kind, item_id, location_id, error FROM published_stock
         WHERE store_id = $1 AND error IS NOT NULL ORDER BY item_id",
    )
    .bind(store_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((item_at(r)?, r.get("error"))))
        .collect()
}

/// A row's `item_kind`, refusing what no version of wharf writes.
fn item_kind(row: &sqlx::any::AnyRow) -> Result<ItemKind, DbError> {
    let kind: String = row.get("item_kind");
    ItemKind::parse(&kind).ok_or_else(|| DbError::Corrupt(format!("unknown item kind {kind:?}")))
}

/// A row's `item_kind`, `item_id` and `location_id`.
fn item_at(row: &sqlx::any::AnyRow) -> Result<ItemAt, DbError> {
    Ok(ItemAt {
        kind: item_kind(row)?,
        item_id: row.get("item_id"),
        location_id: row.get("location_id"),
    })
}
