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
