//! The dashboard's counts: one cheap query each.

use sqlx::Row;

use super::{Db, DbError};

#[derive(Debug, Clone, Copy, Default)]
pub struct FlowCounts {
    pub orders: i64,
    /// wharf's shipments that are in BigCommerce.
    pub shipments_pushed: i64,
    /// Item levels BigCommerce confirmed.
    pub levels_published: i64,
}

pub async fn flow_counts(db: &Db) -> Result<FlowCounts, DbError> {
    let count = |sql: &'static str| async move {
        Ok::<i64, DbError>(sqlx::query(sql).fetch_one(db.pool()).await?.get("n"))
    };
    Ok(FlowCounts {
        orders: count("SELECT COUNT(*) AS n FROM orders").await?,
        shipments_pushed: count("SELECT COUNT(*) AS n FROM shipments WHERE state = 'pushed'")
            .await?,
        levels_published: count(
            "SELECT COUNT(*) AS n FROM published_stock WHERE quantity IS NOT NULL",
        )
        .await?,
    })
}

/// One hour's count: the hour's start (unix ms, a multiple of an hour) and how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HourCount {
    pub hour_at: i64,
    pub count: i64,
}

/// Orders wharf stored, per hour of their arrival, from `since_ms` on.
pub async fn orders_per_hour(db: &Db, since_ms: i64) -> Result<Vec<HourCount>, DbError> {
    per_hour(
        db,
        "SELECT (created_at / 3600000) * 3600000 AS hour_at, COUNT(*) AS n
         FROM orders WHERE created_at >= $1
         GROUP BY hour_at ORDER BY hour_at",
        since_ms,
    )
    .await
}

/// Shipments created in BigCommerce (one per shipment and address), per hour they were sent.
pub async fn shipments_per_hour(db: &Db, since_ms: i64) -> Result<Vec<HourCount>, DbError> {
    per_hour(
        db,
        "SELECT (sent_at / 3600000) * 3600000 AS hour_at, COUNT(*) AS n
         FROM shipment_parts WHERE state = 'created' AND sent_at >= $1
         GROUP BY hour_at ORDER BY hour_at",
        since_ms,
    )
    .await
}

/// Finished jobs of `kind` per hour they finished in. Jobs are kept for days (the history
/// pruning's setting, at least one), so the last day is all there.
pub async fn jobs_done_per_hour(
    db: &Db,
    kind: &str,
    since_ms: i64,
) -> Result<Vec<HourCount>, DbError> {
    let rows = sqlx::query(
        "SELECT (updated_at / 3600000) * 3600000 AS hour_at, COUNT(*) AS n
         FROM jobs WHERE status = 'done' AND kind = $1 AND updated_at >= $2
         GROUP BY hour_at ORDER BY hour_at",
    )
    .bind(kind)
    .bind(since_ms)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(hour_count).collect())
}

async fn per_hour(db: &Db, sql: &'static str, since_ms: i64) -> Result<Vec<HourCount>, DbError> {
    let rows = sqlx::query(sql).bind(since_ms).fetch_all(db.pool()).await?;
    Ok(rows.iter().map(hour_count).collect())
}

fn hour_count(row: &sqlx::any::AnyRow) -> HourCount {
    HourCount {
        hour_at: row.get("hour_at"),
        count: row.get("n"),
    }
}
