//! The store's tracked items — variants tracked one by one, products tracked as a whole —
//! with the SKUs that name them: read by id, by SKU, or a page at a time for a walk of the
//! whole store, each read shaped so that both databases plan it by the filter's own index.

use std::collections::{HashMap, HashSet};

use sqlx::{AssertSqlSafe, Row};

use crate::db::sql::IN_LIST_CHUNK;
use crate::db::{Db, DbError};
use crate::domain::inventory::ItemKind;

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
    /// Each of `variant_ids`' SKU, in the same order: routing reads them.
    pub variant_skus: Vec<Option<String>>,
    /// The product's brand, which routing reads too.
    pub brand: Option<String>,
}

/// The store's tracked items (archived ones and untracked products left out).
pub async fn store_items(db: &Db, store_id: i64) -> Result<Vec<StoreItem>, DbError> {
    items_where(db, store_id, ItemFilter::All).await
}

/// The store's tracked items with these ids.
pub async fn store_items_with_ids(
    db: &Db,
    store_id: i64,
    variant_ids: &[i64],
    product_ids: &[i64],
) -> Result<Vec<StoreItem>, DbError> {
    items_where(
        db,
        store_id,
        ItemFilter::Ids {
            variants: variant_ids,
            products: product_ids,
        },
    )
    .await
}

/// The store's tracked items that one of these SKUs names, compared lowercased: what a stock
/// report can be about, without reading the whole catalog for a report of a few SKUs.
pub async fn store_items_named(
    db: &Db,
    store_id: i64,
    skus: &[String],
) -> Result<Vec<StoreItem>, DbError> {
    let mut items: Vec<StoreItem> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for chunk in skus.chunks(IN_LIST_CHUNK) {
        let named = ids_named(db, store_id, chunk).await?;
        let filter = ItemFilter::Ids {
            variants: &named.variants,
            products: &named.products,
        };
        for item in items_where(db, store_id, filter).await? {
            if seen.insert((item.kind, item.id)) {
                items.push(item);
            }
        }
    }
    Ok(items)
}

/// The ids of the store's live variants these SKUs name, and of the products they or their
/// variants name.
struct NamedIds {
    variants: Vec<i64>,
    products: Vec<i64>,
}

/// The SKUs' ids, from the two `lower(sku)` indexes alone, before any join: with the catalog
/// joins in the same query, SQLite walked the store's products testing each variant's SKU
/// (50 ms for 500 SKUs at 100k variants) and PostgreSQL scanned every product tracked by
/// product (14 ms); an id lookup afterwards is a primary-key probe on both.
async fn ids_named(db: &Db, store_id: i64, skus: &[String]) -> Result<NamedIds, DbError> {
    let list = (0..skus.len())
        .map(|i| format!("lower(${})", i + 2))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT id AS variant_id, product_id FROM variants
         WHERE lower(sku) IN ({list}) AND +store_id = $1 AND archived_at IS NULL
         UNION ALL
         SELECT NULL, id FROM products
         WHERE lower(sku) IN ({list}) AND +store_id = $1 AND archived_at IS NULL"
    );
    let mut query = sqlx::query(AssertSqlSafe(sql)).bind(store_id);
    for sku in skus {
        query = query.bind(sku.as_str());
    }
    let mut named = NamedIds {
        variants: Vec::new(),
        products: Vec::new(),
    };
    for row in query.fetch_all(db.pool()).await? {
        if let Some(variant_id) = row.get::<Option<i64>, _>("variant_id") {
            named.variants.push(variant_id);
        }
        named.products.push(row.get("product_id"));
    }
    named.products.sort_unstable();
    named.products.dedup();
    Ok(named)
}

/// The SKUs (lowercased and trimmed, as the database does it) that name more than one of the
/// store's tracked items: the only ones for which a walk, a chunk of items at a time, must
/// look outside the chunk to see that a SKU is ambiguous. One pass over the store's index; a
/// few rows in a sound catalog.
pub async fn shared_skus(db: &Db, store_id: i64) -> Result<HashSet<String>, DbError> {
    let rows = sqlx::query(
        "SELECT named.sku FROM (
             SELECT lower(trim(v.sku)) AS sku, v.id AS item FROM variants v CROSS JOIN products p
             WHERE p.id = v.product_id AND v.store_id = $1 AND v.archived_at IS NULL
               AND p.archived_at IS NULL AND p.inventory_tracking = 'variant' AND v.sku IS NOT NULL
             UNION ALL
             SELECT lower(trim(p.sku)), -p.id FROM products p
             WHERE p.store_id = $1 AND p.archived_at IS NULL AND p.inventory_tracking = 'product'
               AND p.sku IS NOT NULL
             UNION ALL
             SELECT lower(trim(v.sku)), -p.id FROM products p CROSS JOIN variants v
             WHERE v.product_id = p.id AND p.store_id = $1 AND p.archived_at IS NULL
               AND p.inventory_tracking = 'product' AND v.archived_at IS NULL AND v.sku IS NOT NULL
         ) named GROUP BY named.sku HAVING COUNT(DISTINCT named.item) > 1",
    )
    .bind(store_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(|r| r.get("sku")).collect())
}

/// One page of a walk of the store: the tracked items among its next rows, and where the
/// next page starts (`None` after the last).
pub struct ItemPage {
    pub items: Vec<StoreItem>,
    pub next: Option<(ItemKind, i64)>,
}

/// The tracked items among the store's next `limit` variants (or products) after `after`, in
/// the order a walk of the store takes them: variants by id, then products by id
/// (`(ItemKind::Variant, 0)` starts). A page is a range of one table's primary key, read
/// alone, and its items are then looked up by id: each page costs its own size on both
/// databases. With the joins in the paging query, PostgreSQL's planner (which cannot see how
/// many rows of a store are past the page's start) joined every later variant and sorted
/// them for each page: 130 ms a page of 1,000 at 100k variants, quadratic in the store.
/// A page may hold fewer items than `limit`, or none, and not be the last.
pub async fn store_items_after(
    db: &Db,
    store_id: i64,
    after: (ItemKind, i64),
    limit: usize,
) -> Result<ItemPage, DbError> {
    let (kind, after_id) = after;
    let ids = ids_after(db, kind, store_id, after_id, limit).await?;
    let next = match (ids.last(), kind) {
        (Some(&last), _) if ids.len() >= limit => Some((kind, last)),
        (_, ItemKind::Variant) => Some((ItemKind::Product, 0)),
        (_, ItemKind::Product) => None,
    };
    let filter = match kind {
        ItemKind::Variant => ItemFilter::Ids {
            variants: &ids,
            products: &[],
        },
        ItemKind::Product => ItemFilter::Ids {
            variants: &[],
            products: &ids,
        },
    };
    let items = if ids.is_empty() {
        Vec::new()
    } else {
        items_where(db, store_id, filter).await?
    };
    Ok(ItemPage { items, next })
}

/// The ids of the store's next `limit` live variants (or products tracked by product) after
/// `after`. `+store_id` keeps SQLite on the primary key's range rather than the store's
/// `(store_id, sku)` index and a sort.
async fn ids_after(
    db: &Db,
    kind: ItemKind,
    store_id: i64,
    after: i64,
    limit: usize,
) -> Result<Vec<i64>, DbError> {
    let sql = match kind {
        ItemKind::Variant => {
            "SELECT id FROM variants WHERE +store_id = $1 AND id > $2 AND archived_at IS NULL
             ORDER BY id LIMIT $3"
        }
        ItemKind::Product => {
            "SELECT id FROM products WHERE +store_id = $1 AND id > $2 AND archived_at IS NULL
               AND inventory_tracking = 'product' ORDER BY id LIMIT $3"
        }
    };
    Ok(sqlx::query(sql)
        .bind(store_id)
        .bind(after)
        .bind(limit as i64)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| r.get("id"))
        .collect())
}

/// Which of the store's tracked items a query reads.
enum ItemFilter<'a> {
    /// Every one.
    All,
    /// Those with these ids (a kind without ids is not asked for).
    Ids {
        variants: &'a [i64],
        products: &'a [i64],
    },
}

/// A query's extra condition and the values bound to it (from `$2`); `None` leaves that kind
/// of item out without asking the database.
type Condition = Option<(String, Vec<i64>)>;

/// How a query names its store: `+store_id` keeps SQLite from reading the store's every row
/// through the `(store_id, …)` index when the filter has a better one (the primary key for
/// ids); without ANALYZE it takes that index for the most selective. Where the filter reads
/// the whole store, the store's index is the way.
fn store_column(filter: &ItemFilter<'_>, table: &str) -> String {
    match filter {
        ItemFilter::All => format!("{table}.store_id"),
        _ => format!("+{table}.store_id"),
    }
}

/// The store's tracked items the filter lets through.
async fn items_where(
    db: &Db,
    store_id: i64,
    filter: ItemFilter<'_>,
) -> Result<Vec<StoreItem>, DbError> {
    let placeholders = |n: usize| {
        (0..n)
            .map(|i| format!("${}", i + 2))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (variant_store, product_store) = (store_column(&filter, "v"), store_column(&filter, "p"));
    let (variant_filter, product_filter): (Condition, Condition) = match filter {
        ItemFilter::All => (
            Some((String::new(), Vec::new())),
            Some((String::new(), Vec::new())),
        ),
        ItemFilter::Ids { variants, products } => (
            (!variants.is_empty()).then(|| {
                (
                    format!(" AND v.id IN ({})", placeholders(variants.len())),
                    variants.to_vec(),
                )
            }),
            (!products.is_empty()).then(|| {
                (
                    format!(" AND p.id IN ({})", placeholders(products.len())),
                    products.to_vec(),
                )
            }),
        ),
    };
    let mut items = match variant_filter {
        Some((condition, binds)) => {
            let condition = format!("{variant_store} = $1{condition}");
            variant_items(db, store_id, &condition, binds).await?
        }
        None => Vec::new(),
    };
    if let Some((condition, binds)) = product_filter {
        let condition = format!("{product_store} = $1{condition}");
        items.extend(product_items(db, store_id, &condition, binds).await?);
    }
    Ok(items)
}

/// Variants tracked one by one, each its own item.
async fn variant_items(
    db: &Db,
    store_id: i64,
    condition: &str,
    binds: Vec<i64>,
) -> Result<Vec<StoreItem>, DbError> {
    let sql = format!(
        // CROSS JOIN keeps SQLite's outer loop on the variants, where the filter is (their
        // ids, or the store). With inner joins it walked the bindings from the page's first id
        // to the store's last and sorted them, for every page of a walk: 26 ms a page of
        // 1,000, quadratic in the store. PostgreSQL plans it as the inner join it is.
        "SELECT v.id, v.sku, vb.external_id, p.inventory_tracking, p.brand_name FROM variants v
         CROSS JOIN products p CROSS JOIN bindings vb
         WHERE p.id = v.product_id AND vb.kind = 'variant' AND vb.local_id = v.id
           AND v.archived_at IS NULL AND p.archived_at IS NULL
           AND p.inventory_tracking = 'variant' AND {condition}"
    );
    let mut query = sqlx::query(AssertSqlSafe(sql)).bind(store_id);
    for value in binds {
        query = query.bind(value);
    }
    let variants = query.fetch_all(db.pool()).await?;
    Ok(variants
        .iter()
        .map(|r| StoreItem {
            kind: ItemKind::Variant,
            id: r.get("id"),
            external_id: r.get("external_id"),
            skus: r.get::<Option<String>, _>("sku").into_iter().collect(),
            variant_ids: vec![r.get("id")],
            variant_skus: vec![r.get("sku")],
            brand: r.get("brand_name"),
        })
        .collect())
}

/// Products tracked as a whole: one item each, named by its own SKU and its variants'.
async fn product_items(
    db: &Db,
    store_id: i64,
    condition: &str,
    binds: Vec<i64>,
) -> Result<Vec<StoreItem>, DbError> {
    let sql = format!(
        "SELECT p.id, p.sku, p.brand_name, pb.external_id, v.id AS variant_id, v.sku AS variant_sku FROM products p
         JOIN bindings pb ON pb.kind = 'product' AND pb.local_id = p.id
         LEFT JOIN variants v ON v.product_id = p.id AND v.archived_at IS NULL
         WHERE p.archived_at IS NULL AND p.inventory_tracking = 'product' AND {condition}
         ORDER BY p.id"
    );
    let mut query = sqlx::query(AssertSqlSafe(sql)).bind(store_id);
    for value in binds {
        query = query.bind(value);
    }
    let products = query.fetch_all(db.pool()).await?;
    let mut items: Vec<StoreItem> = Vec::new();
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
                variant_skus: Vec::new(),
                brand: r.get("brand_name"),
            });
            items.len() - 1
        });
        if let Some(variant_id) = r.get::<Option<i64>, _>("variant_id") {
            items[index].variant_ids.push(variant_id);
            items[index].variant_skus.push(r.get("variant_sku"));
        }
        if let Some(sku) = r.get::<Option<String>, _>("variant_sku")
            && !items[index].skus.contains(&sku)
        {
            items[index].skus.push(sku);
        }
    }
    Ok(items)
}
