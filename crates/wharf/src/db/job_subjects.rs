//! The names people know a job's records by, which the queue's payloads do not hold: a
//! shipment's tracking number and order number, a stock feed's vendor. For the Activity page,
//! one query per kind of record for a whole page of jobs.

use std::collections::HashMap;

use sqlx::{AssertSqlSafe, Row};

use super::sql::{IN_LIST_CHUNK, placeholders};
use super::{Db, DbError};

/// A shipment as a person names it.
#[derive(Debug, Clone)]
pub struct ShipmentName {
    pub tracking_number: String,
    /// BigCommerce's number of the order it ships.
    pub order_number: i64,
}

/// Tracking and order numbers of these shipments; a deleted shipment is absent.
pub async fn shipment_names(
    db: &Db,
    shipment_ids: &[i64],
) -> Result<HashMap<i64, ShipmentName>, DbError> {
    let mut names = HashMap::new();
    for chunk in shipment_ids.chunks(IN_LIST_CHUNK) {
        let sql = format!(
            "SELECT s.id, s.tracking_number, b.external_id AS order_number
             FROM shipments s JOIN bindings b ON b.kind = 'order' AND b.local_id = s.order_id
             WHERE s.id IN ({})",
            placeholders(1, chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(id);
        }
        for row in query.fetch_all(db.pool()).await? {
            let name = ShipmentName {
                tracking_number: row.get("tracking_number"),
                order_number: row.get("order_number"),
            };
            names.insert(row.get("id"), name);
        }
    }
    Ok(names)
}

/// The vendor's name of each of these stock feeds; a deleted feed is absent.
pub async fn feed_vendor_names(db: &Db, feed_ids: &[i64]) -> Result<HashMap<i64, String>, DbError> {
    let mut names = HashMap::new();
    for chunk in feed_ids.chunks(IN_LIST_CHUNK) {
        let sql = format!(
            "SELECT f.id, v.name FROM stock_feeds f JOIN vendors v ON v.id = f.vendor_id
             WHERE f.id IN ({})",
            placeholders(1, chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(id);
        }
        for row in query.fetch_all(db.pool()).await? {
            names.insert(row.get("id"), row.get("name"));
        }
    }
    Ok(names)
}
