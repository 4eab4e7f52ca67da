//! The order list: one summary row per order, with its BigCommerce id; found by the filters
//! of `domain::order_search`, a keyset page at a time.

use sqlx::Row;

use crate::db::{Db, DbError};
use crate::domain::order::RoutingState;
use crate::domain::order_search::{OrderCursor, OrderSearch};

/// `SELECT <an order summary's columns> FROM orders … <rest>`, as the literal sqlx requires.
macro_rules! select_orders {
    ($rest:expr) => {
        concat!(
            "SELECT o.id, o.store_id, b.external_id, o.status_id, o.status_label, o.customer_name, o.customer_email, o.total,
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
    pub customer_email: Option<String>,
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

/// The filters of a search, as one `WHERE` (`$1`…`$10`; an unused filter is bound to its
/// "any" value: -1 or ''). The SKU and tracking filters read through their indexes on the
/// lowercased values (migration 0014); names and emails are searched for what they contain.
macro_rules! search_orders {
    ($order:literal) => {
        select_orders!(concat!(
            "WHERE ($1 < 0 OR o.store_id = $1)
               AND ($2 = '' OR o.routing_state = $2)
               AND ($3 < 0 OR o.id IN (SELECT po.order_id FROM purchase_orders po WHERE po.vendor_id = $3))
               AND ($4 < 0 OR o.date_created >= $4)
               AND ($5 < 0 OR o.date_created < $5)
               AND ($6 = '' OR b.external_id = $7
                    OR LOWER(o.customer_name) LIKE $8 ESCAPE '\\'
                    OR LOWER(o.customer_email) LIKE $8 ESCAPE '\\'
                    OR o.id IN (SELECT l.order_id FROM order_lines l WHERE LOWER(l.sku) = $6)
                    OR o.id IN (SELECT s.order_id FROM shipments s WHERE LOWER(s.tracking_number) = $6))
               AND ($9 < 0 OR o.id < $9)
               AND ($10 < 0 OR o.id > $10) ",
            $order,
            " LIMIT $11"
        ))
    };
}

/// One page of the orders a search finds, newest first, and whether pages lie either side.
#[derive(Debug, Clone)]
pub struct OrderPage {
    pub orders: Vec<OrderSummary>,
    /// The next page's cursor, when older orders match.
    pub older: Option<OrderCursor>,
    /// The previous page's cursor, when newer orders match.
    pub newer: Option<OrderCursor>,
}

/// A page of at most `limit` orders matching `search`, from its cursor.
pub async fn search_orders(
    db: &Db,
    search: &OrderSearch,
    limit: i64,
) -> Result<OrderPage, DbError> {
    let (older_than, newer_than) = match search.cursor {
        None => (-1, -1),
        Some(OrderCursor::OlderThan(position)) => (position, -1),
        Some(OrderCursor::NewerThan(position)) => (-1, position),
    };
    // Walking towards newer orders reads them oldest first, to take the nearest.
    let sql = match search.cursor {
        Some(OrderCursor::NewerThan(_)) => search_orders!("ORDER BY o.id ASC"),
        _ => search_orders!("ORDER BY o.id DESC"),
    };
    let text = search.text.as_ref();
    let mut orders: Vec<OrderSummary> = sqlx::query_as(sql)
        .bind(search.store_id.unwrap_or(-1))
        .bind(search.state.map_or("", RoutingState::as_str))
        .bind(search.vendor_id.unwrap_or(-1))
        .bind(search.placed_from_ms.unwrap_or(-1))
        .bind(search.placed_until_ms.unwrap_or(-1))
        .bind(text.map_or("", |t| t.exact.as_str()))
        .bind(text.and_then(|t| t.number).unwrap_or(-1))
        .bind(text.map_or("", |t| t.contains.as_str()))
        .bind(older_than)
        .bind(newer_than)
        // One more than the page: whether it exists says whether another page does.
        .bind(limit + 1)
        .fetch_all(db.pool())
        .await?;
    let more = orders.len() as i64 > limit;
    orders.truncate(limit as usize);
    let (older_exists, newer_exists) = match search.cursor {
        None => (more, false),
        Some(OrderCursor::OlderThan(_)) => (more, true),
        Some(OrderCursor::NewerThan(_)) => {
            orders.reverse();
            (true, more)
        }
    };
    Ok(OrderPage {
        older: older_exists
            .then(|| orders.last().map(|o| OrderCursor::OlderThan(o.id)))
            .flatten(),
        newer: newer_exists
            .then(|| orders.first().map(|o| OrderCursor::NewerThan(o.id)))
            .flatten(),
        orders,
    })
}

/// The order a store's BigCommerce order number names, if wharf has it.
pub async fn order_by_number(
    db: &Db,
    store_id: i64,
    number: i64,
) -> Result<Option<OrderSummary>, DbError> {
    Ok(sqlx::query_as(select_orders!(
        "WHERE b.store_id = $1 AND b.external_id = $2"
    ))
    .bind(store_id)
    .bind(number)
    .fetch_optional(db.pool())
    .await?)
}

/// The store's orders in Needs attention, oldest first: what an assignment routes again.
pub async fn needing_attention(db: &Db, store_id: i64) -> Result<Vec<i64>, DbError> {
    let rows = sqlx::query(
        "SELECT id FROM orders WHERE store_id = $1 AND routing_state = 'needs_attention' ORDER BY id",
    )
    .bind(store_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(|r| r.get("id")).collect())
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
