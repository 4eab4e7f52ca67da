//! Vendors and their API tokens (the rules that assign variants to them: `assignments`).

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Db, DbError, is_unique_violation, now_ms};

#[derive(Debug, Clone, serde::Serialize)]
pub struct VendorRecord {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    pub api_token_last4: String,
    pub created_at_ms: i64,
    /// A deactivated vendor's token is refused and routing never chooses it.
    pub active: bool,
}

fn vendor_record(row: &AnyRow) -> VendorRecord {
    VendorRecord {
        id: row.get("id"),
        name: row.get("name"),
        email: row.get("email"),
        api_token_last4: row.get("api_token_last4"),
        created_at_ms: row.get("created_at"),
        active: row.get::<i64, _>("active") != 0,
    }
}

pub async fn insert(
    db: &Db,
    name: &str,
    email: Option<&str>,
    token_hash: &str,
    token_last4: &str,
) -> Result<i64, DbError> {
    let now = now_ms();
    let inserted = sqlx::query(
        "INSERT INTO vendors (name, email, api_token_hash, api_token_last4, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(name)
    .bind(email)
    .bind(token_hash)
    .bind(token_last4)
    .bind(now)
    .fetch_one(db.pool())
    .await;
    match inserted {
        Ok(row) => Ok(row.get("id")),
        Err(e) if is_unique_violation(&e) => Err(DbError::Duplicate("name")),
        Err(e) => Err(e.into()),
    }
}

pub async fn update(db: &Db, id: i64, name: &str, email: Option<&str>) -> Result<bool, DbError> {
    let updated =
        sqlx::query("UPDATE vendors SET name = $2, email = $3, updated_at = $4 WHERE id = $1")
            .bind(id)
            .bind(name)
            .bind(email)
            .bind(now_ms())
            .execute(db.pool())
            .await;
    match updated {
        Ok(r) => Ok(r.rows_affected() == 1),
        Err(e) if is_unique_violation(&e) => Err(DbError::Duplicate("name")),
        Err(e) => Err(e.into()),
    }
}

pub async fn list(db: &Db) -> Result<Vec<VendorRecord>, DbError> {
    let rows = sqlx::query(
        "SELECT id, name, email, api_token_last4, created_at, active FROM vendors ORDER BY lower(name)",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(vendor_record).collect())
}

pub async fn get(db: &Db, id: i64) -> Result<Option<VendorRecord>, DbError> {
    let row = sqlx::query(
        "SELECT id, name, email, api_token_last4, created_at, active FROM vendors WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.as_ref().map(vendor_record))
}

pub async fn find_by_name(db: &Db, name: &str) -> Result<Option<VendorRecord>, DbError> {
    let row = sqlx::query(
        "SELECT id, name, email, api_token_last4, created_at, active FROM vendors WHERE lower(name) = lower($1)",
    )
    .bind(name.trim())
    .fetch_optional(db.pool())
    .await?;
    Ok(row.as_ref().map(vendor_record))
}

pub async fn find_by_token_hash(
    db: &Db,
    token_hash: &str,
) -> Result<Option<VendorRecord>, DbError> {
    let row = sqlx::query(
        "SELECT id, name, email, api_token_last4, created_at, active FROM vendors WHERE api_token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.as_ref().map(vendor_record))
}

/// Gives the vendor a new token: the old one stops working with this statement.
pub async fn replace_token(
    db: &Db,
    id: i64,
    token_hash: &str,
    token_last4: &str,
) -> Result<bool, DbError> {
    let updated = sqlx::query(
        "UPDATE vendors SET api_token_hash = $2, api_token_last4 = $3, updated_at = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(token_hash)
    .bind(token_last4)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(updated.rows_affected() == 1)
}

pub async fn set_active(db: &Db, id: i64, active: bool) -> Result<bool, DbError> {
    let updated = sqlx::query("UPDATE vendors SET active = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(active as i64)
        .bind(now_ms())
        .execute(db.pool())
        .await?;
    Ok(updated.rows_affected() == 1)
}
