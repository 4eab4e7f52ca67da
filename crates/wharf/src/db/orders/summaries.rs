//! The order list: one summary row per order, with its BigCommerce id.

use sqlx::Row;

use crate::db::{Db, DbError};
use crate::domain::order::RoutingState;

/// `SELECT <an order summary's columns> FROM orders … <rest>`, as the literal sqlx requires.
macro_rules! select_orders {
    ($rest:literal) => {
        concat!(
            "SELECT o.id, o.store_id, b.external_id, o.status_id, o.status_label, o.customer_name, o.total,
                    o.routing_state, o.items_total, o.date_created,
                    (SELECT COUNT(*) FROM purchase_orders po WHERE po.order_id = o.id) AS purchase_orders
             FROM orders o JOIN bindings b ON b.kind = 'order' AND b.local_id = o.id ",
            $rest
        )
    };
}

/// One row of the order list, read by column name (`select_orders!`).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct OrderSummary {
    pub id: i64,
    pub store_id: i64,
    pub external_id: i64,
    pub status_id: i64,
    pub status_label: String,
    pub customer_name: String,
    pub total: Option<String>,
    pub routing_state: String,
    pub items_total: i64,
    pub purchase_orders: i64,
    #[sqlx(rename = "date_created")]
    pub date_created_ms: Option<i64>,
}

pub async fn list_orders(
    db: &Db,
    store_id: Option<i64>,
    routing_state: Option<RoutingState>,
    limit: i64,
    offset: i64,
) -> Result<Vec<OrderSummary>, DbError> {
    let orders = sqlx::query_as(select_orders!(
        "WHERE ($1 < 0 OR o.store_id = $1) AND ($2 = '' OR o.routing_state = $2)
             ORDER BY o.id DESC LIMIT $3 OFFSET $4"
    ))
    .bind(store_id.unwrap_or(-1))
    .bind(routing_state.map_or("", RoutingState::as_str))
    .bind(limit)
    .bind(offset)
    .fetch_all(db.pool())
    .await?;
    Ok(orders)
}

pub async fn count_needing_attention(db: &Db) -> Result<i64, DbError> {
    Ok(
        sqlx::query("SELECT COUNT(*) AS n FROM orders WHERE routing_state = 'needs_attention'")
            .fetch_one(db.pool())
            .await?
            .get("n"),
    )
}

pub async fn get_order(db: &Db, order_id: i64) -> Result<Option<OrderSummary>, DbError> {
    Ok(sqlx::query_as(select_orders!("WHERE o.id = $1"))
        .bind(order_id)
        .fetch_optional(db.pool())
        .await?)
}
