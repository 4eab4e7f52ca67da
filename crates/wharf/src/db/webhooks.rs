//! Webhook secrets and the raw events received.

use sqlx::{AnyConnection, Row};

use super::{Db, DbError, is_unique_violation, now_ms};

pub async fn set_secret(db: &Db, store_id: i64, sealed: &str) -> Result<(), DbError> {
    sqlx::query("UPDATE stores SET webhook_secret_sealed = $2 WHERE id = $1")
        .bind(store_id)
        .bind(sealed)
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn secret(db: &Db, store_id: i64) -> Result<Option<String>, DbError> {
    Ok(
        sqlx::query("SELECT webhook_secret_sealed FROM stores WHERE id = $1")
            .bind(store_id)
            .fetch_optional(db.pool())
            .await?
            .and_then(|r| r.get("webhook_secret_sealed")),
    )
}

/// Stores an event unless the same one (scope, hash, time) was stored before; true when new.
pub async fn record_event(
    conn: &mut AnyConnection,
    store_id: i64,
    scope: &str,
    hash: &str,
    created_at: i64,
    payload: &str,
) -> Result<bool, DbError> {
    let inserted = sqlx::query(
        "INSERT INTO webhook_events (store_id, scope, hash, created_at, payload, received_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (store_id, scope, hash, created_at) DO NOTHING",
    )
    .bind(store_id)
    .bind(scope)
    .bind(hash)
    .bind(created_at)
    .bind(payload)
    .bind(now_ms())
    .execute(&mut *conn)
    .await;
    match inserted {
        Ok(r) => Ok(r.rows_affected() == 1),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Deletes events received before `before_ms`; how many. An event is a hint that was acted on
/// when it arrived: kept a while to recognise a redelivery, then only payload (customer data).
pub async fn prune_events(db: &Db, before_ms: i64) -> Result<u64, DbError> {
    let deleted = sqlx::query("DELETE FROM webhook_events WHERE received_at < $1")
        .bind(before_ms)
        .execute(db.pool())
        .await?;
    Ok(deleted.rows_affected())
}

pub async fn count_events(db: &Db, store_id: i64) -> Result<i64, DbError> {
    Ok(
        sqlx::query("SELECT COUNT(*) AS n FROM webhook_events WHERE store_id = $1")
            .bind(store_id)
            .fetch_one(db.pool())
            .await?
            .get("n"),
    )
}
