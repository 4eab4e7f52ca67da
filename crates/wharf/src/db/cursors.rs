//! Where each incremental read resumes: one row per (store, resource), one mechanism for all.

use sqlx::{AnyConnection, Row};

use super::{Db, DbError, now_ms};

pub async fn get(db: &Db, store_id: i64, resource: &str) -> Result<Option<i64>, DbError> {
    let row =
        sqlx::query("SELECT cursor_at FROM sync_cursors WHERE store_id = $1 AND resource = $2")
            .bind(store_id)
            .bind(resource)
            .fetch_optional(db.pool())
            .await?;
    Ok(row.map(|r| r.get("cursor_at")))
}

/// Sets the cursor inside the caller's transaction, with the writes it vouches for.
pub async fn set(
    conn: &mut AnyConnection,
    store_id: i64,
    resource: &str,
    at_ms: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO sync_cursors (store_id, resource, cursor_at, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (store_id, resource) DO UPDATE SET cursor_at = excluded.cursor_at, updated_at = excluded.updated_at",
    )
    .bind(store_id)
    .bind(resource)
    .bind(at_ms)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}
