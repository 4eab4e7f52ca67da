//! Vendors and the rules that assign store variants to them.

use std::collections::HashMap;

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Db, DbError, is_unique_violation, now_ms};
use crate::domain::routing::{DefaultPolicy, RoutingRules};

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

// ---- assignment rules ----------------------------------------------------------------------

pub async fn assign_variant(
    db: &Db,
    store_id: i64,
    variant_id: i64,
    vendor_id: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO variant_assignments (variant_id, store_id, vendor_id, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (variant_id) DO UPDATE SET vendor_id = excluded.vendor_id, updated_at = excluded.updated_at",
    )
    .bind(variant_id)
    .bind(store_id)
    .bind(vendor_id)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(())
}

pub async fn assign_brand(
    db: &Db,
    store_id: i64,
    brand: &str,
    vendor_id: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO brand_assignments (store_id, brand_key, vendor_id, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (store_id, brand_key) DO UPDATE SET vendor_id = excluded.vendor_id, updated_at = excluded.updated_at",
    )
    .bind(store_id)
    .bind(brand.trim().to_lowercase())
    .bind(vendor_id)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(())
}

pub async fn assign_sku_prefix(
    db: &Db,
    store_id: i64,
    prefix: &str,
    vendor_id: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO sku_prefix_assignments (store_id, prefix, vendor_id, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (store_id, prefix) DO UPDATE SET vendor_id = excluded.vendor_id, updated_at = excluded.updated_at",
    )
    .bind(store_id)
    .bind(prefix.trim().to_uppercase())
    .bind(vendor_id)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(())
}

pub async fn set_default_vendor(
    db: &Db,
    store_id: i64,
    vendor_id: Option<i64>,
) -> Result<(), DbError> {
    sqlx::query("UPDATE stores SET default_vendor_id = $2, updated_at = $3 WHERE id = $1")
        .bind(store_id)
        .bind(vendor_id)
        .bind(now_ms())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Every assignment rule of a store, as routing reads them.
pub async fn routing_rules(db: &Db, store_id: i64) -> Result<RoutingRules, DbError> {
    let variants: HashMap<i64, i64> =
        sqlx::query("SELECT variant_id, vendor_id FROM variant_assignments WHERE store_id = $1")
            .bind(store_id)
            .fetch_all(db.pool())
            .await?
            .iter()
            .map(|r| (r.get("variant_id"), r.get("vendor_id")))
            .collect();
    let brands =
        sqlx::query("SELECT brand_key, vendor_id FROM brand_assignments WHERE store_id = $1")
            .bind(store_id)
            .fetch_all(db.pool())
            .await?
            .iter()
            .map(|r| (r.get("brand_key"), r.get("vendor_id")))
            .collect();
    let sku_prefixes =
        sqlx::query("SELECT prefix, vendor_id FROM sku_prefix_assignments WHERE store_id = $1")
            .bind(store_id)
            .fetch_all(db.pool())
            .await?
            .iter()
            .map(|r| (r.get("prefix"), r.get("vendor_id")))
            .collect();
    let default: Option<i64> = sqlx::query("SELECT default_vendor_id FROM stores WHERE id = $1")
        .bind(store_id)
        .fetch_optional(db.pool())
        .await?
        .and_then(|r| r.get("default_vendor_id"));
    let inactive = sqlx::query("SELECT id FROM vendors WHERE active = 0")
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| r.get("id"))
        .collect();
    Ok(RoutingRules {
        variants,
        brands,
        sku_prefixes,
        default: default.map_or(DefaultPolicy::NeedsAttention, DefaultPolicy::Vendor),
        inactive,
    })
}

/// The live variants of a store with this SKU (exact, case-insensitive), for assignment by SKU.
pub async fn variants_with_sku(db: &Db, store_id: i64, sku: &str) -> Result<Vec<i64>, DbError> {
    let rows = sqlx::query(
        "SELECT id FROM variants WHERE store_id = $1 AND archived_at IS NULL AND lower(sku) = lower($2)",
    )
    .bind(store_id)
    .bind(sku.trim())
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(|r| r.get("id")).collect())
}
