//! The levels BigCommerce last confirmed or refused for each item at each location, the
//! lease that lets one worker push a store's levels at a time, and the drift found between
//! BigCommerce and what it confirmed.

use std::collections::HashMap;

use sqlx::{AssertSqlSafe, Row};

use crate::db::sql::{ROWS_PER_INSERT, values_rows};
use crate::db::{Db, DbError, now_ms};
use crate::domain::inventory::{ItemAt, ItemKind};

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

/// How many item levels wharf published (or tried to) in the store: a count over the store's
/// part of the table's key, without reading the rows.
pub async fn published_count(db: &Db, store_id: i64) -> Result<i64, DbError> {
    Ok(
        sqlx::query("SELECT COUNT(*) AS n FROM published_stock WHERE store_id = $1")
            .bind(store_id)
            .fetch_one(db.pool())
            .await?
            .get("n"),
    )
}

/// BigCommerce took these levels. One transaction for a request's levels: each statement
/// committing alone cost a commit (a flush to disk on PostgreSQL) per 50 levels, 4.9 s of a
/// full push of 86k levels.
pub async fn confirm(db: &Db, store_id: i64, levels: &[(ItemAt, i64)]) -> Result<(), DbError> {
    let now = now_ms();
    let mut tx = db.begin().await?;
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
        query.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// BigCommerce refused these items; the confirmed level (if any) stays as it was.
pub async fn flag(db: &Db, store_id: i64, items: &[ItemAt], error: &str) -> Result<(), DbError> {
    let now = now_ms();
    let mut tx = db.begin().await?;
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
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Forgets what BigCommerce confirmed for these items, so the next push sends them again (the
/// drift check found BigCommerce holding something else).
pub async fn forget_confirmed(db: &Db, store_id: i64, items: &[ItemAt]) -> Result<(), DbError> {
    let mut tx = db.begin().await?;
    for at in items {
        sqlx::query(
            "UPDATE published_stock SET quantity = NULL WHERE store_id = $1 AND item_kind = $2 AND item_id = $3 AND location_id = $4",
        )
        .bind(store_id)
        .bind(at.kind.as_str())
        .bind(at.item_id)
        .bind(at.location_id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
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
pub(super) fn item_kind(row: &sqlx::any::AnyRow) -> Result<ItemKind, DbError> {
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
