//! Each order's timeline: what happened to it, in words, with when.

use sqlx::{AnyConnection, Row};

use crate::db::{Db, DbError, now_ms};

pub async fn record_event(
    conn: &mut AnyConnection,
    order_id: i64,
    kind: &str,
    message: &str,
) -> Result<(), DbError> {
    sqlx::query("INSERT INTO order_events (order_id, at, kind, message) VALUES ($1, $2, $3, $4)")
        .bind(order_id)
        .bind(now_ms())
        .bind(kind)
        .bind(message)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct OrderEvent {
    pub at_ms: i64,
    pub kind: String,
    pub message: String,
}

pub async fn order_events(db: &Db, order_id: i64) -> Result<Vec<OrderEvent>, DbError> {
    let rows =
        sqlx::query("SELECT at, kind, message FROM order_events WHERE order_id = $1 ORDER BY id")
            .bind(order_id)
            .fetch_all(db.pool())
            .await?;
    Ok(rows
        .iter()
        .map(|r| OrderEvent {
            at_ms: r.get("at"),
            kind: r.get("kind"),
            message: r.get("message"),
        })
        .collect())
}
