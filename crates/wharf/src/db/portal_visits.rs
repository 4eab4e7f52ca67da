//! When each vendor user last opened the portal's purchase-order list, so that what was
//! created since is marked new. Two times per user: the current visit and the one before it,
//! which the marks are measured against until the next visit (paging on keeps the marks).

use sqlx::Row;

use crate::db::{Db, DbError};

/// Starts a visit at `now_ms`: the previous visit becomes the one marks are measured against.
/// Returns that previous visit (`None` on a user's first).
pub async fn start_purchase_order_visit(
    db: &Db,
    vendor_user_id: i64,
    now_ms: i64,
) -> Result<Option<i64>, DbError> {
    // Every right-hand side reads the row as it was: the old visit moves back one place.
    Ok(sqlx::query(
        "UPDATE vendor_users
         SET purchase_orders_seen_before = purchase_orders_seen_at, purchase_orders_seen_at = $2
         WHERE id = $1
         RETURNING purchase_orders_seen_before",
    )
    .bind(vendor_user_id)
    .bind(now_ms)
    .fetch_optional(db.pool())
    .await?
    .and_then(|r| r.get("purchase_orders_seen_before")))
}

/// The visit marks are measured against during the current one.
pub async fn purchase_order_visit_before(
    db: &Db,
    vendor_user_id: i64,
) -> Result<Option<i64>, DbError> {
    Ok(
        sqlx::query("SELECT purchase_orders_seen_before FROM vendor_users WHERE id = $1")
            .bind(vendor_user_id)
            .fetch_optional(db.pool())
            .await?
            .and_then(|r| r.get("purchase_orders_seen_before")),
    )
}
