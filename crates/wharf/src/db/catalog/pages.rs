//! Storing one page of an import with its checkpoint, and finishing the run.

use std::collections::HashMap;

use sqlx::{AnyConnection, AssertSqlSafe};

use crate::db::bindings::{NewBinding, bind_all};
use crate::db::sql::{IN_LIST_CHUNK, placeholders};
use crate::db::{DbError, now_ms};
use crate::domain::catalog::{CatalogProduct, ImportMode};
use crate::domain::catalog_issues::DataIssue;

use super::runs::{CATALOG_CURSOR, ImportRecord};
use super::stored::{
    PRODUCT, VARIANT, existing_products, existing_variants, insert_products, insert_variants,
    update_product, update_variant,
};

/// What storing one page changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageChanges {
    pub products_created: i64,
    pub products_updated: i64,
    pub variants_created: i64,
    pub variants_updated: i64,
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
    crate::db::cursors::set(
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
