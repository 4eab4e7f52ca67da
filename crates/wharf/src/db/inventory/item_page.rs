//! The reads of the per-SKU inventory view: a page of a store's tracked items (searched, by
//! vendor, keyset-paged), and for those items only, the stock rows that name them and what
//! BigCommerce confirmed. A store has 100,000 variants: nothing here reads them all.

use std::collections::HashMap;

use sqlx::{AssertSqlSafe, Row};

use super::published::{Published, item_kind};
use super::vendor_stock::StockRow;
use crate::db::{Db, DbError};
use crate::domain::inventory::{ItemAt, ItemKind};

/// An item on a page of the view, and where the next page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemKey {
    pub kind: ItemKind,
    pub id: i64,
    pub sku: Option<String>,
    /// The product's name, with the variant's options.
    pub name: String,
}

/// Which items a page holds.
#[derive(Debug, Clone, Default)]
pub struct ItemPageQuery {
    /// Part of the SKU or of the product's name, any case.
    pub search: Option<String>,
    /// Only items this vendor reported stock for (a product tracked as a whole: under its own
    /// SKU or one of its variants').
    pub vendor_id: Option<i64>,
    /// Start after this item (variants first, then products, each by id).
    pub after: Option<(ItemKind, i64)>,
    pub limit: i64,
}

/// Variants come before products: the rank of a kind in the view's order.
fn rank(kind: ItemKind) -> i64 {
    match kind {
        ItemKind::Variant => 0,
        ItemKind::Product => 1,
    }
}

/// A page of the store's tracked items in the view's order.
pub async fn item_page(
    db: &Db,
    store_id: i64,
    query: &ItemPageQuery,
) -> Result<Vec<ItemKey>, DbError> {
    let (after_rank, after_id) = query.after.map_or((-1, 0), |(k, id)| (rank(k), id));
    let pattern = query
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            let escaped = s
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            format!("%{escaped}%")
        })
        .unwrap_or_default();
    let rows = sqlx::query(AssertSqlSafe(
        "SELECT i.item_rank, i.id, i.sku, i.name, i.options FROM (
             SELECT CAST(0 AS BIGINT) AS item_rank, v.id AS id, v.sku AS sku, p.name AS name, v.options AS options
             FROM variants v JOIN products p ON p.id = v.product_id
             JOIN bindings vb ON vb.kind = 'variant' AND vb.local_id = v.id
             WHERE v.store_id = $1 AND v.archived_at IS NULL AND p.archived_at IS NULL
               AND p.inventory_tracking = 'variant'
             UNION ALL
             SELECT CAST(1 AS BIGINT) AS item_rank, p.id AS id, p.sku AS sku, p.name AS name, '' AS options
             FROM products p JOIN bindings pb ON pb.kind = 'product' AND pb.local_id = p.id
             WHERE p.store_id = $1 AND p.archived_at IS NULL AND p.inventory_tracking = 'product'
         ) i
         WHERE (i.item_rank > $2 OR (i.item_rank = $2 AND i.id > $3))
           AND ($4 = '' OR lower(COALESCE(i.sku, '')) LIKE $4 ESCAPE '\\' OR lower(i.name) LIKE $4 ESCAPE '\\')
           AND ($5 < 0 OR EXISTS (SELECT 1 FROM vendor_stock s JOIN warehouses w ON w.id = s.warehouse_id
                                  WHERE w.vendor_id = $5 AND (s.match_key = lower(i.sku)
                                     OR (i.item_rank = 1 AND s.match_key IN (
                                         SELECT lower(x.sku) FROM variants x
                                         WHERE x.product_id = i.id AND x.archived_at IS NULL
                                           AND x.sku IS NOT NULL)))))
         ORDER BY i.item_rank, i.id LIMIT $6"
            .to_owned(),
    ))
    .bind(store_id)
    .bind(after_rank)
    .bind(after_id)
    .bind(pattern)
    .bind(query.vendor_id.unwrap_or(-1))
    .bind(query.limit)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let options: String = r.get("options");
            let name: String = r.get("name");
            ItemKey {
                kind: if r.get::<i64, _>("item_rank") == 0 {
                    ItemKind::Variant
                } else {
                    ItemKind::Product
                },
                id: r.get("id"),
                sku: r.get("sku"),
                name: if options.is_empty() {
                    name
                } else {
                    format!("{name} ({options})")
                },
            }
        })
        .collect())
}

/// A reported row as the view shows it: the row, and the warehouse it came from.
#[derive(Debug, Clone)]
pub struct NamedStockRow {
    pub row: StockRow,
    pub warehouse: String,
}

/// Every vendor's rows (deactivated vendors' too) whose match key is one of these SKUs,
/// lowercased: all a row about these items can be.
pub async fn stock_rows_naming(db: &Db, skus: &[String]) -> Result<Vec<NamedStockRow>, DbError> {
    if skus.is_empty() {
        return Ok(Vec::new());
    }
    let list = (0..skus.len())
        .map(|i| format!("lower(${})", i + 1))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT w.vendor_id, s.warehouse_id, s.updated_at, w.location_id, w.code, s.sku, s.quantity
         FROM vendor_stock s JOIN warehouses w ON w.id = s.warehouse_id
         WHERE s.match_key IN ({list}) ORDER BY w.vendor_id, w.code, s.sku"
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for sku in skus {
        query = query.bind(sku.trim());
    }
    Ok(query
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| NamedStockRow {
            row: StockRow {
                vendor_id: r.get("vendor_id"),
                warehouse_id: r.get("warehouse_id"),
                updated_at_ms: r.get("updated_at"),
                location_id: r.get("location_id"),
                sku: r.get("sku"),
                quantity: r.get("quantity"),
            },
            warehouse: r.get("code"),
        })
        .collect())
}

/// What BigCommerce confirmed or refused for these items.
pub async fn published_for(
    db: &Db,
    store_id: i64,
    items: &[(ItemKind, i64)],
) -> Result<HashMap<ItemAt, Published>, DbError> {
    let mut published = HashMap::new();
    for kind in [ItemKind::Variant, ItemKind::Product] {
        let ids: Vec<i64> = items
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, id)| *id)
            .collect();
        if ids.is_empty() {
            continue;
        }
        let list = (0..ids.len())
            .map(|i| format!("${}", i + 3))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT item_kind, item_id, location_id, quantity, error FROM published_stock
             WHERE store_id = $1 AND item_kind = $2 AND item_id IN ({list})"
        );
        let mut query = sqlx::query(AssertSqlSafe(sql))
            .bind(store_id)
            .bind(kind.as_str());
        for id in &ids {
            query = query.bind(*id);
        }
        for r in query.fetch_all(db.pool()).await? {
            published.insert(
                ItemAt {
                    kind: item_kind(&r)?,
                    item_id: r.get("item_id"),
                    location_id: r.get("location_id"),
                },
                Published {
                    quantity: r.get("quantity"),
                    error: r.get("error"),
                },
            );
        }
    }
    Ok(published)
}
