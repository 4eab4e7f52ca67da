//! Latency samples per flow, for the Latency page.

use sqlx::Row;

use super::{Db, DbError, now_ms};

/// Samples older than this are dropped.
const KEEP_MS: i64 = 24 * 60 * 60 * 1000;

pub async fn record(db: &Db, flow: &str, millis: i64) -> Result<(), DbError> {
    let now = now_ms();
    sqlx::query("INSERT INTO latency_samples (flow, at, millis) VALUES ($1, $2, $3)")
        .bind(flow)
        .bind(now)
        .bind(millis.max(0))
        .execute(db.pool())
        .await?;
    // Pruning now and then keeps the table a day long without a job of its own.
    if rand::random_ratio(1, 100) {
        sqlx::query("DELETE FROM latency_samples WHERE at < $1")
            .bind(now - KEEP_MS)
            .execute(db.pool())
            .await?;
    }
    Ok(())
}

/// The flow's samples (milliseconds) since `since_ms`, sorted.
pub async fn since(db: &Db, flow: &str, since_ms: i64) -> Result<Vec<i64>, DbError> {
    let rows = sqlx::query(
        "SELECT millis FROM latency_samples WHERE flow = $1 AND at >= $2 ORDER BY millis",
    )
    .bind(flow)
    .bind(since_ms)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(|r| r.get("millis")).collect())
}

/// The flow's samples since `since_ms` as (hour's start in unix ms, milliseconds), sorted by
/// hour and, within an hour, by milliseconds: each hour's percentiles read straight off it.
pub async fn by_hour_since(db: &Db, flow: &str, since_ms: i64) -> Result<Vec<(i64, i64)>, DbError> {
    let rows = sqlx::query(
        "SELECT (at / 3600000) * 3600000 AS hour_at, millis FROM latency_samples
         WHERE flow = $1 AND at >= $2 ORDER BY hour_at, millis",
    )
    .bind(flow)
    .bind(since_ms)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| (r.get("hour_at"), r.get("millis")))
        .collect())
}
