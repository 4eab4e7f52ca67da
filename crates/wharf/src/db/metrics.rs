//! Read-only queries behind `/metrics`, which reads some values from the tables at scrape time.

use sqlx::Row;

use super::{Db, DbError};

/// Jobs per `(kind, status)` still in the queue: `pending`, `running`, `failed`. `done` and
/// `superseded` are history, not queue, and grow without bound, so they are left out.
pub async fn queue_depth(db: &Db) -> Result<Vec<(String, String, i64)>, DbError> {
    let rows = sqlx::query(
        "SELECT kind, status, COUNT(*) AS n FROM jobs
         WHERE status IN ('pending', 'running', 'failed')
         GROUP BY kind, status",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|row| (row.get("kind"), row.get("status"), row.get::<i64, _>("n")))
        .collect())
}

/// When a job was enqueued (unix ms); `None` when it is gone.
pub async fn job_created_at(db: &Db, job_id: i64) -> Result<Option<i64>, DbError> {
    Ok(sqlx::query("SELECT created_at FROM jobs WHERE id = $1")
        .bind(job_id)
        .fetch_optional(db.pool())
        .await?
        .map(|row| row.get("created_at")))
}

/// Whether the database answers a trivial query: what `/readyz` reports.
pub async fn ping(db: &Db) -> Result<(), DbError> {
    sqlx::query("SELECT 1").execute(db.pool()).await?;
    Ok(())
}
