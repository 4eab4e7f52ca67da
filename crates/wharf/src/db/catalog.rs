//! Products, variants, their bindings to BigCommerce ids, and catalog import runs.

use std::collections::HashMap;

use rust_decimal::Decimal;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::bindings::{NewBinding, bind_all};
use super::sql::{IN_LIST_CHUNK, ROWS_PER_INSERT, placeholders, values_rows};
use super::{Db, DbError, now_ms};
use crate::domain::catalog::{
    CatalogProduct, CatalogVariant, ImportCounts, ImportMode, ImportStatus, InventoryTracking,
};
use crate::domain::catalog_issues::DataIssue;

const PRODUCT: &str = "product";
const VARIANT: &str = "variant";
pub const CATALOG_CURSOR: &str = "catalog.products";

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ImportRecord {
    pub id: i64,
    pub store_id: i64,
    pub mode: ImportMode,
    pub status: ImportStatus,
    pub modified_since_ms: Option<i64>,
    pub last_product_id: i64,
    pub counts: ImportCounts,
    pub last_error: Option<String>,
    pub started_at_ms: Option<i64>,
    pub finished_at_ms: Option<i64>,
    pub created_at_ms: i64,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ImportIssue {
    pub product_external_id: i64,
    pub variant_external_id: Option<i64>,
    pub product_name: String,
    pub sku: Option<String>,
    pub kind: String,
    pub message: String,
}

/// What storing one page changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageChanges {
    pub products_created: i64,
    pub products_updated: i64,
    pub variants_created: i64,
    pub variants_updated: i64,
}

// ---- import runs -------------------------------------------------------------------------

pub async fn create_import(
    conn: &mut AnyConnection,
    store_id: i64,
    mode: ImportMode,
    modified_since_ms: Option<i64>,
) -> Result<i64, DbError> {
    let now = now_ms();
    let row = sqlx::query(
        "INSERT INTO catalog_imports (store_id, mode, status, modified_since, created_at, updated_at)
         VALUES ($1, $2, 'queued', $3, $4, $4) RETURNING id",
    )
    .bind(store_id)
    .bind(mode.as_str())
    .bind(modified_since_ms)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.get("id"))
}

macro_rules! select_imports {
    ($rest:literal) => {
        concat!(
            "SELECT id, store_id, mode, status, modified_since, last_product_id, pages_done, pages_total,
                    products_seen, variants_seen, products_created, products_updated, products_archived,
                    variants_created, variants_updated, variants_archived, last_error, started_at,
                    finished_at, created_at
             FROM catalog_imports ",
            $rest
        )
    };
}

pub async fn get_import(db: &Db, id: i64) -> Result<Option<ImportRecord>, DbError> {
    let row = sqlx::query(select_imports!("WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(import_record).transpose()
}

pub async fn latest_import(db: &Db, store_id: i64) -> Result<Option<ImportRecord>, DbError> {
    let row = sqlx::query(select_imports!(
        "WHERE store_id = $1 ORDER BY id DESC LIMIT 1"
    ))
    .bind(store_id)
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(import_record).transpose()
}

/// The store's queued or running import, if any: a second click joins it instead of
/// starting another.
pub async fn active_import(db: &Db, store_id: i64) -> Result<Option<ImportRecord>, DbError> {
    let row = sqlx::query(select_imports!(
        "WHERE store_id = $1 AND status IN ('queued', 'running') ORDER BY id DESC LIMIT 1"
    ))
    .bind(store_id)
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(import_record).transpose()
}

/// Marks a run started (the first time only: a resumed run keeps its start).
pub async fn mark_running(db: &Db, id: i64) -> Result<(), DbError> {
    let now = now_ms();
    sqlx::query(
        "UPDATE catalog_imports SET status = 'running', started_at = COALESCE(started_at, $2), updated_at = $2
         WHERE id = $1 AND status IN ('queued', 'running')",
    )
    .bind(id)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(())
}

pub async fn fail_import(db: &Db, id: i64, error: &str) -> Result<(), DbError> {
    let now = now_ms();
    sqlx::query(
        "UPDATE catalog_imports SET status = 'failed', last_error = $2, finished_at = $3, updated_at = $3
         WHERE id = $1 AND status IN ('queued', 'running')",
    )
    .bind(id)
    .bind(error)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Records a transient problem the run is retrying after, so the page shows it.
pub async fn note_import_error(db: &Db, id: i64, error: &str) -> Result<(), DbError> {
    sqlx::query("UPDATE catalog_imports SET last_error = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(error)
        .bind(now_ms())
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn import_issues(
    db: &Db,
    import_id: i64,
    limit: i64,
) -> Result<Vec<ImportIssue>, DbError> {
    let rows = sqlx::query(
        "SELECT product_external_id, variant_external_id, product_name, sku, kind, message
         FROM catalog_import_issues WHERE import_id = $1 ORDER BY id LIMIT $2",
    )
    .bind(import_id)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|row| ImportIssue {
            product_external_id: row.get("product_external_id"),
            variant_external_id: row.get("variant_external_id"),
            product_name: row.get("product_name"),
            sku: row.get("sku"),
            kind: row.get("kind"),
            message: row.get("message"),
        })
        .collect())
}

pub async fn count_import_issues(db: &Db, import_id: i64) -> Result<i64, DbError> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM catalog_import_issues WHERE import_id = $1")
        .bind(import_id)
        .fetch_one(db.pool())
        .await?;
    Ok(row.get("n"))
}

// ---- storing a page ----------------------------------------------------------------------

/// Stores one page of products with their variants and advances the run's checkpoint from
/// `previous_checkpoint` to `checkpoint_product_id`, all in the caller's transaction: a run
/// killed mid-page redoes exactly that page.
///
/// Returns `None` (and the caller must roll back) when the checkpoint is no longer
/// `previous_checkpoint`: another runner of the same import — one that took over a lease this
/// runner was thought to have lost — is ahead, and this page is its to store.
pub async fn store_page(
    conn: &mut AnyConnection,
    run: &ImportRecord,
    products: &[CatalogProduct],
    issues: &[DataIssue],
    previous_checkpoint: i64,
    checkpoint_product_id: i64,
    pages_total: i64,
) -> Result<Option<PageChanges>, DbError> {
    let now = now_ms();
    // Claim the step first: the compare-and-set makes a second runner wait on this row (or, on
    // SQLite, on the write lock) and then find the checkpoint moved.
    let claimed = sqlx::query(
        "UPDATE catalog_imports SET last_product_id = $3, updated_at = $4
         WHERE id = $1 AND last_product_id = $2 AND status IN ('queued', 'running')",
    )
    .bind(run.id)
    .bind(previous_checkpoint)
    .bind(checkpoint_product_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if claimed.rows_affected() != 1 {
        return Ok(None);
    }
    let mut changes = PageChanges::default();
    let product_ids: Vec<i64> = products.iter().map(|p| p.external_id as i64).collect();
    let existing = existing_products(conn, run.store_id, &product_ids).await?;
    let mut local_ids = HashMap::with_capacity(products.len());
    let mut new_products = Vec::new();
    for product in products {
        match existing.get(&(product.external_id as i64)) {
            Some(stored) => {
                if stored.differs_from(product) {
                    update_product(conn, stored.local_id, product, now).await?;
                    changes.products_updated += 1;
                }
                local_ids.insert(product.external_id, stored.local_id);
            }
            None => new_products.push(product),
        }
    }
    let new_ids = insert_products(conn, run.store_id, &new_products, now).await?;
    let new_bindings: Vec<NewBinding> = new_products
        .iter()
        .zip(&new_ids)
        .map(|(p, &local_id)| NewBinding {
            local_id,
            external_id: p.external_id as i64,
            remote_modified_ms: p.date_modified_ms,
        })
        .collect();
    bind_all(conn, run.store_id, PRODUCT, &new_bindings, now).await?;
    for (product, &local_id) in new_products.iter().zip(&new_ids) {
        local_ids.insert(product.external_id, local_id);
    }
    changes.products_created = new_products.len() as i64;
    mark_seen(conn, run, PRODUCT, &product_ids, now).await?;

    let variant_ids: Vec<i64> = products
        .iter()
        .flat_map(|p| p.variants.iter().map(|v| v.external_id as i64))
        .collect();
    let existing = existing_variants(conn, run.store_id, &variant_ids).await?;
    let mut new_variants = Vec::new();
    for product in products {
        let product_id = local_ids[&product.external_id];
        for variant in &product.variants {
            match existing.get(&(variant.external_id as i64)) {
                Some(stored) => {
                    if stored.differs_from(product_id, variant) {
                        update_variant(conn, stored.local_id, product_id, variant, now).await?;
                        changes.variants_updated += 1;
                    }
                }
                None => new_variants.push((product_id, variant)),
            }
        }
    }
    let new_ids = insert_variants(conn, run.store_id, &new_variants, now).await?;
    let new_bindings: Vec<NewBinding> = new_variants
        .iter()
        .zip(&new_ids)
        .map(|((_, v), &local_id)| NewBinding {
            local_id,
            external_id: v.external_id as i64,
            remote_modified_ms: None,
        })
        .collect();
    bind_all(conn, run.store_id, VARIANT, &new_bindings, now).await?;
    changes.variants_created = new_variants.len() as i64;
    mark_seen(conn, run, VARIANT, &variant_ids, now).await?;

    sqlx::query(
        "UPDATE catalog_imports SET status = 'running', pages_done = pages_done + 1,
                pages_total = $2, products_seen = products_seen + $3, variants_seen = variants_seen + $4,
                products_created = products_created + $5, products_updated = products_updated + $6,
                variants_created = variants_created + $7, variants_updated = variants_updated + $8,
                last_error = NULL, updated_at = $9
         WHERE id = $1",
    )
    .bind(run.id)
    .bind(pages_total)
    .bind(products.len() as i64)
    .bind(variant_ids.len() as i64)
    .bind(changes.products_created)
    .bind(changes.products_updated)
    .bind(changes.variants_created)
    .bind(changes.variants_updated)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    record_data_issues(conn, run.id, issues).await?;
    Ok(Some(changes))
}

/// What the page's data had odd about it (`domain::catalog_issues`), with the page itself.
async fn record_data_issues(
    conn: &mut AnyConnection,
    import_id: i64,
    issues: &[DataIssue],
) -> Result<(), DbError> {
    for issue in issues {
        sqlx::query(
            "INSERT INTO catalog_import_issues (import_id, product_external_id, variant_external_id, product_name, sku, kind, message)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(import_id)
        .bind(issue.product_external_id as i64)
        .bind(issue.variant_external_id.map(|id| id as i64))
        .bind(&issue.product_name)
        .bind(&issue.sku)
        .bind(issue.kind.as_str())
        .bind(&issue.message)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Ends a run: a full run archives what it did not see; every run records the SKU problems it
/// found and moves the incremental cursor to its own start. Returns false (the caller rolls
/// back) when another runner already finished it.
pub async fn finish_import(conn: &mut AnyConnection, run: &ImportRecord) -> Result<bool, DbError> {
    let now = now_ms();
    let claimed = sqlx::query(
        "UPDATE catalog_imports SET status = 'completed', finished_at = $3, updated_at = $3
         WHERE id = $1 AND last_product_id = $2 AND status = 'running'",
    )
    .bind(run.id)
    .bind(run.last_product_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if claimed.rows_affected() != 1 {
        return Ok(false);
    }
    let (products_archived, variants_archived) = match run.mode {
        ImportMode::Full => (
            archive_unseen(conn, run, PRODUCT, "products", now).await?,
            archive_unseen(conn, run, VARIANT, "variants", now).await?,
        ),
        ImportMode::Incremental => (0, 0),
    };
    record_sku_issues(conn, run).await?;
    let started = run.started_at_ms.unwrap_or(run.created_at_ms);
    super::cursors::set(
        conn,
        run.store_id,
        CATALOG_CURSOR,
        crate::domain::catalog::next_cursor(started),
    )
    .await?;
    sqlx::query(
        "UPDATE catalog_imports SET products_archived = $2, variants_archived = $3, last_error = NULL,
                pages_total = pages_done
         WHERE id = $1",
    )
    .bind(run.id)
    .bind(products_archived)
    .bind(variants_archived)
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

async fn archive_unseen(
    conn: &mut AnyConnection,
    run: &ImportRecord,
    kind: &str,
    table: &str,
    now: i64,
) -> Result<i64, DbError> {
    // The table name is one of two constants, never input.
    let sql = format!(
        "UPDATE {table} SET archived_at = $1, updated_at = $1
         WHERE store_id = $2 AND archived_at IS NULL AND id IN (
             SELECT local_id FROM bindings
             WHERE store_id = $2 AND kind = $3 AND (last_seen_run IS NULL OR last_seen_run <> $4))"
    );
    let result = sqlx::query(AssertSqlSafe(sql))
        .bind(now)
        .bind(run.store_id)
        .bind(kind)
        .bind(run.id)
        .execute(&mut *conn)
        .await?;
    Ok(result.rows_affected() as i64)
}

/// Blank and duplicate SKUs among the live (not archived) catalog: reported, never fatal.
async fn record_sku_issues(conn: &mut AnyConnection, run: &ImportRecord) -> Result<(), DbError> {
    // Sellable units: every variant (a simple product's SKU lives on its base variant too).
    sqlx::query(
        "INSERT INTO catalog_import_issues (import_id, product_external_id, variant_external_id, product_name, sku, kind, message)
         SELECT $1, pb.external_id, vb.external_id, p.name, v.sku,
                CASE WHEN v.sku IS NULL THEN 'blank_sku' ELSE 'duplicate_sku' END,
                CASE WHEN v.sku IS NULL THEN 'Variant has no SKU: vendors and shipments cannot be matched to it'
                     ELSE 'SKU ' || v.sku || ' is used by more than one variant in the store' END
         FROM variants v
         JOIN products p ON p.id = v.product_id
         JOIN bindings vb ON vb.kind = 'variant' AND vb.local_id = v.id
         JOIN bindings pb ON pb.kind = 'product' AND pb.local_id = p.id
         WHERE v.store_id = $2 AND v.archived_at IS NULL
           AND (v.sku IS NULL OR v.sku IN (
                SELECT sku FROM variants WHERE store_id = $2 AND archived_at IS NULL AND sku IS NOT NULL
                GROUP BY sku HAVING COUNT(*) > 1))
         ORDER BY pb.external_id, vb.external_id",
    )
    .bind(run.id)
    .bind(run.store_id)
    .execute(&mut *conn)
    .await?;
    // A product with options has a SKU of its own besides its variants'; shared, it is ambiguous.
    sqlx::query(
        "INSERT INTO catalog_import_issues (import_id, product_external_id, variant_external_id, product_name, sku, kind, message)
         SELECT $1, pb.external_id, NULL, p.name, p.sku, 'duplicate_product_sku',
                'Product SKU ' || p.sku || ' is used by more than one product in the store'
         FROM products p
         JOIN bindings pb ON pb.kind = 'product' AND pb.local_id = p.id
         WHERE p.store_id = $2 AND p.archived_at IS NULL AND p.sku IS NOT NULL
           AND EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id AND v.options <> '')
           AND p.sku IN (SELECT sku FROM products WHERE store_id = $2 AND archived_at IS NULL AND sku IS NOT NULL
                         GROUP BY sku HAVING COUNT(*) > 1)
         ORDER BY pb.external_id",
    )
    .bind(run.id)
    .bind(run.store_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The ids a multi-row INSERT gave its rows, in the order of its VALUES list.
///
/// Within one statement both backends number new rows in VALUES order (SQLite's rowid,
/// PostgreSQL's identity sequence), but neither promises RETURNING's output order: sorting the
/// ids restores the row order.
fn ids_in_row_order(rows: Vec<AnyRow>, expected: usize) -> Result<Vec<i64>, DbError> {
    let mut ids: Vec<i64> = rows.iter().map(|r| r.get("id")).collect();
    if ids.len() != expected {
        return Err(DbError::Corrupt(format!(
            "inserted {expected} rows, got {} ids back",
            ids.len()
        )));
    }
    ids.sort_unstable();
    Ok(ids)
}

/// Notes that this run saw these objects; a full run archives the ones it did not.
async fn mark_seen(
    conn: &mut AnyConnection,
    run: &ImportRecord,
    kind: &str,
    external_ids: &[i64],
    now: i64,
) -> Result<(), DbError> {
    for chunk in external_ids.chunks(IN_LIST_CHUNK) {
        let sql = format!(
            "UPDATE bindings SET last_seen_run = $1, synced_at = $2
             WHERE store_id = $3 AND kind = $4 AND external_id IN ({})",
            placeholders(5, chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql))
            .bind(run.id)
            .bind(now)
            .bind(run.store_id)
            .bind(kind);
        for id in chunk {
            query = query.bind(*id);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

// ---- products ----------------------------------------------------------------------------

struct StoredProduct {
    local_id: i64,
    name: String,
    sku: Option<String>,
    upc: Option<String>,
    gtin: Option<String>,
    brand_name: Option<String>,
    price: Option<String>,
    cost_price: Option<String>,
    inventory_tracking: String,
    inventory_level: Option<i64>,
    is_visible: bool,
    date_modified: Option<i64>,
    archived: bool,
}

impl StoredProduct {
    fn differs_from(&self, p: &CatalogProduct) -> bool {
        self.archived
            || self.name != p.name
            || self.sku != p.sku
            || self.upc != p.upc
            || self.gtin != p.gtin
            || self.brand_name != p.brand_name
            || self.price != money(p.price)
            || self.cost_price != money(p.cost_price)
            || self.inventory_tracking != p.inventory_tracking.as_str()
            || self.inventory_level != p.inventory_level
            || self.is_visible != p.is_visible
            || self.date_modified != p.date_modified_ms
    }
}

/// Money as stored: the canonical decimal string, so equal amounts compare equal.
fn money(amount: Option<Decimal>) -> Option<String> {
    amount.map(|a| a.normalize().to_string())
}

async fn existing_products(
    conn: &mut AnyConnection,
    store_id: i64,
    external_ids: &[i64],
) -> Result<HashMap<i64, StoredProduct>, DbError> {
    let mut found = HashMap::with_capacity(external_ids.len());
    for chunk in external_ids.chunks(IN_LIST_CHUNK) {
        let sql = format!(
            "SELECT b.external_id, p.id, p.name, p.sku, p.upc, p.gtin, p.brand_name, p.price, p.cost_price,
                    p.inventory_tracking, p.inventory_level, p.is_visible, p.date_modified, p.archived_at
             FROM bindings b JOIN products p ON p.id = b.local_id
             WHERE b.store_id = $1 AND b.kind = 'product' AND b.external_id IN ({})",
            placeholders(2, chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(store_id);
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut *conn).await? {
            let archived_at: Option<i64> = row.get("archived_at");
            found.insert(
                row.get("external_id"),
                StoredProduct {
                    local_id: row.get("id"),
                    name: row.get("name"),
                    sku: row.get("sku"),
                    upc: row.get("upc"),
                    gtin: row.get("gtin"),
                    brand_name: row.get("brand_name"),
                    price: row.get("price"),
                    cost_price: row.get("cost_price"),
                    inventory_tracking: row.get("inventory_tracking"),
                    inventory_level: row.get("inventory_level"),
                    is_visible: row.get::<i64, _>("is_visible") != 0,
                    date_modified: row.get("date_modified"),
                    archived: archived_at.is_some(),
                },
            );
        }
    }
    Ok(found)
}

async fn insert_products(
    conn: &mut AnyConnection,
    store_id: i64,
    products: &[&CatalogProduct],
    now: i64,
) -> Result<Vec<i64>, DbError> {
    let mut ids = Vec::with_capacity(products.len());
    for chunk in products.chunks(ROWS_PER_INSERT / 2) {
        let sql = format!(
            "INSERT INTO products (store_id, name, sku, upc, gtin, brand_name, price, cost_price, inventory_tracking,
                                   inventory_level, is_visible, date_modified, created_at, updated_at)
             VALUES {} RETURNING id",
            values_rows(chunk.len(), 14)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for p in chunk {
            query = query
                .bind(store_id)
                .bind(&p.name)
                .bind(p.sku.as_deref())
                .bind(p.upc.as_deref())
                .bind(p.gtin.as_deref())
                .bind(p.brand_name.as_deref())
                .bind(money(p.price))
                .bind(money(p.cost_price))
                .bind(p.inventory_tracking.as_str())
                .bind(p.inventory_level)
                .bind(p.is_visible as i64)
                .bind(p.date_modified_ms)
                .bind(now)
                .bind(now);
        }
        ids.extend(ids_in_row_order(
            query.fetch_all(&mut *conn).await?,
            chunk.len(),
        )?);
    }
    Ok(ids)
}

async fn update_product(
    conn: &mut AnyConnection,
    id: i64,
    p: &CatalogProduct,
    now: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE products SET name = $2, sku = $3, upc = $4, gtin = $5, brand_name = $6, price = $7, cost_price = $8,
                inventory_tracking = $9, inventory_level = $10, is_visible = $11, date_modified = $12,
                archived_at = NULL, updated_at = $13
         WHERE id = $1",
    )
    .bind(id)
    .bind(&p.name)
    .bind(p.sku.as_deref())
    .bind(p.upc.as_deref())
    .bind(p.gtin.as_deref())
    .bind(p.brand_name.as_deref())
    .bind(money(p.price))
    .bind(money(p.cost_price))
    .bind(p.inventory_tracking.as_str())
    .bind(p.inventory_level)
    .bind(p.is_visible as i64)
    .bind(p.date_modified_ms)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE bindings SET remote_modified_at = $2 WHERE kind = 'product' AND local_id = $1",
    )
    .bind(id)
    .bind(p.date_modified_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

// ---- variants ----------------------------------------------------------------------------

struct StoredVariant {
    local_id: i64,
    product_id: i64,
    sku: Option<String>,
    upc: Option<String>,
    gtin: Option<String>,
    price: Option<String>,
    cost_price: Option<String>,
    inventory_level: Option<i64>,
    options: String,
    archived: bool,
}

impl StoredVariant {
    fn differs_from(&self, product_id: i64, v: &CatalogVariant) -> bool {
        self.archived
            || self.product_id != product_id
            || self.sku != v.sku
            || self.upc != v.upc
            || self.gtin != v.gtin
            || self.price != money(v.price)
            || self.cost_price != money(v.cost_price)
            || self.inventory_level != v.inventory_level
            || self.options != v.options
    }
}

async fn existing_variants(
    conn: &mut AnyConnection,
    store_id: i64,
    external_ids: &[i64],
) -> Result<HashMap<i64, StoredVariant>, DbError> {
    let mut found = HashMap::with_capacity(external_ids.len());
    for chunk in external_ids.chunks(IN_LIST_CHUNK) {
        let sql = format!(
            "SELECT b.external_id, v.id, v.product_id, v.sku, v.upc, v.gtin, v.price, v.cost_price,
                    v.inventory_level, v.options, v.archived_at
             FROM bindings b JOIN variants v ON v.id = b.local_id
             WHERE b.store_id = $1 AND b.kind = 'variant' AND b.external_id IN ({})",
            placeholders(2, chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(store_id);
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut *conn).await? {
            let archived_at: Option<i64> = row.get("archived_at");
            found.insert(
                row.get("external_id"),
                StoredVariant {
                    local_id: row.get("id"),
                    product_id: row.get("product_id"),
                    sku: row.get("sku"),
                    upc: row.get("upc"),
                    gtin: row.get("gtin"),
                    price: row.get("price"),
                    cost_price: row.get("cost_price"),
                    inventory_level: row.get("inventory_level"),
                    options: row.get("options"),
                    archived: archived_at.is_some(),
                },
            );
        }
    }
    Ok(found)
}

async fn insert_variants(
    conn: &mut AnyConnection,
    store_id: i64,
    variants: &[(i64, &CatalogVariant)],
    now: i64,
) -> Result<Vec<i64>, DbError> {
    let mut ids = Vec::with_capacity(variants.len());
    for chunk in variants.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO variants (product_id, store_id, sku, upc, gtin, price, cost_price, inventory_level, options,
                                   created_at, updated_at)
             VALUES {} RETURNING id",
            values_rows(chunk.len(), 11)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for (product_id, v) in chunk {
            query = query
                .bind(*product_id)
                .bind(store_id)
                .bind(v.sku.as_deref())
                .bind(v.upc.as_deref())
                .bind(v.gtin.as_deref())
                .bind(money(v.price))
                .bind(money(v.cost_price))
                .bind(v.inventory_level)
                .bind(&v.options)
                .bind(now)
                .bind(now);
        }
        ids.extend(ids_in_row_order(
            query.fetch_all(&mut *conn).await?,
            chunk.len(),
        )?);
    }
    Ok(ids)
}

async fn update_variant(
    conn: &mut AnyConnection,
    id: i64,
    product_id: i64,
    v: &CatalogVariant,
    now: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE variants SET product_id = $2, sku = $3, upc = $4, gtin = $5, price = $6, cost_price = $7,
                inventory_level = $8, options = $9, archived_at = NULL, updated_at = $10
         WHERE id = $1",
    )
    .bind(id)
    .bind(product_id)
    .bind(v.sku.as_deref())
    .bind(v.upc.as_deref())
    .bind(v.gtin.as_deref())
    .bind(money(v.price))
    .bind(money(v.cost_price))
    .bind(v.inventory_level)
    .bind(&v.options)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

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
    /// Vendor assignment arrives with routing; always empty until then.
    pub vendor: Option<String>,
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
         WHERE ($1 < 0 OR p.store_id = $1)
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
    let rows = sqlx::query(AssertSqlSafe(rows_sql))
        .bind(store_id.unwrap_or(-1))
        .bind(include_archived as i64)
        .bind(&pattern)
        .bind(limit)
        .bind(offset)
        .fetch_all(db.pool())
        .await?;
    let rows = rows
        .iter()
        .map(|row| {
            let tracking: String = row.get("inventory_tracking");
            let inventory_level = match InventoryTracking::parse(&tracking) {
                Some(InventoryTracking::Product) => row.get("product_level"),
                Some(InventoryTracking::Variant) => row.get("variant_level"),
                _ => None,
            };
            CatalogRow {
                store_id: row.get("store_id"),
                store_name: row.get("store_name"),
                product_id: row.get("product_id"),
                product_external_id: row.get("product_external_id"),
                product_name: row.get("product_name"),
                product_sku: row.get("product_sku"),
                brand_name: row.get("brand_name"),
                inventory_tracking: tracking,
                is_visible: row.get::<i64, _>("is_visible") != 0,
                product_archived: row.get::<Option<i64>, _>("product_archived_at").is_some(),
                variant_id: row.get("variant_id"),
                variant_external_id: row.get("variant_external_id"),
                variant_sku: row.get("variant_sku"),
                upc: row.get("upc"),
                gtin: row.get("gtin"),
                options: row.get("options"),
                price: row.get("price"),
                cost_price: row.get("cost_price"),
                inventory_level,
                variant_archived: row.get::<Option<i64>, _>("variant_archived_at").is_some(),
                vendor: None,
            }
        })
        .collect();
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

fn import_record(row: &AnyRow) -> Result<ImportRecord, DbError> {
    let mode: String = row.get("mode");
    let status: String = row.get("status");
    Ok(ImportRecord {
        id: row.get("id"),
        store_id: row.get("store_id"),
        mode: ImportMode::parse(&mode)
            .ok_or_else(|| DbError::Corrupt(format!("import mode {mode:?}")))?,
        status: ImportStatus::parse(&status)
            .ok_or_else(|| DbError::Corrupt(format!("import status {status:?}")))?,
        modified_since_ms: row.get("modified_since"),
        last_product_id: row.get("last_product_id"),
        counts: ImportCounts {
            pages_done: row.get("pages_done"),
            pages_total: row.get("pages_total"),
            products_seen: row.get("products_seen"),
            variants_seen: row.get("variants_seen"),
            products_created: row.get("products_created"),
            products_updated: row.get("products_updated"),
            products_archived: row.get("products_archived"),
            variants_created: row.get("variants_created"),
            variants_updated: row.get("variants_updated"),
            variants_archived: row.get("variants_archived"),
        },
        last_error: row.get("last_error"),
        started_at_ms: row.get("started_at"),
        finished_at_ms: row.get("finished_at"),
        created_at_ms: row.get("created_at"),
    })
}
