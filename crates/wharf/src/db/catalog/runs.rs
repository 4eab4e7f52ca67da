//! Catalog import runs: created, claimed, failed, their issues.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::db::{Db, DbError, now_ms};
use crate::domain::catalog::{ImportCounts, ImportMode, ImportStatus};

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

pub(super) fn import_record(row: &AnyRow) -> Result<ImportRecord, DbError> {
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
