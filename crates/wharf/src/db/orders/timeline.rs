//! Each order's timeline: what happened to it, in words, with when.

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::db::sql::{ROWS_PER_INSERT, values_rows};
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

/// An entry of an order's timeline, not yet stored.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub order_id: i64,
    pub kind: &'static str,
    pub message: String,
}

/// Stores entries in the order given (each order's timeline reads them in that order), many
/// rows per statement.
pub async fn record_events(conn: &mut AnyConnection, events: &[NewEvent]) -> Result<(), DbError> {
    let now = now_ms();
    for chunk in events.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO order_events (order_id, at, kind, message) VALUES {}",
            values_rows(chunk.len(), 4)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for event in chunk {
            query = query
                .bind(event.order_id)
                .bind(now)
                .bind(event.kind)
                .bind(&event.message);
        }
        query.execute(&mut *conn).await?;
    }
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
