//! What the digests collect: vendors' new purchase orders waiting for their hour, and what
//! appeared for operators since their last digest.
//!
//! Each digest is taken by one process: the conditional update of its clock (`take_…`) is the
//! claim, in the transaction that reads the items and queues the mail, so two workers on one
//! database send one digest.

use sqlx::{AnyConnection, Row};

use super::super::{Db, DbError, now_ms};

/// Holds a new purchase order for its vendor's hourly digest.
pub async fn hold_for_vendor(
    conn: &mut AnyConnection,
    vendor_id: i64,
    purchase_order_id: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO vendor_digest_items (purchase_order_id, vendor_id, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (purchase_order_id) DO NOTHING",
    )
    .bind(purchase_order_id)
    .bind(vendor_id)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Vendors with purchase orders held whose last digest is at least `every_ms` old.
pub async fn vendors_due(db: &Db, every_ms: i64, now: i64) -> Result<Vec<i64>, DbError> {
    let rows = sqlx::query(
        "SELECT DISTINCT v.id FROM vendors v JOIN vendor_digest_items i ON i.vendor_id = v.id
         WHERE v.mail_digest_at <= $1 ORDER BY v.id",
    )
    .bind(now - every_ms)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(|row| row.get("id")).collect())
}

/// Claims the vendor's digest (false when another process just did, or it is not due) and
/// takes its held purchase orders out of the hold, oldest first.
pub async fn take_vendor_digest(
    conn: &mut AnyConnection,
    vendor_id: i64,
    every_ms: i64,
    now: i64,
) -> Result<Option<Vec<i64>>, DbError> {
    let claimed = sqlx::query(
        "UPDATE vendors SET mail_digest_at = $2 WHERE id = $1 AND mail_digest_at <= $3",
    )
    .bind(vendor_id)
    .bind(now)
    .bind(now - every_ms)
    .execute(&mut *conn)
    .await?;
    if claimed.rows_affected() != 1 {
        return Ok(None);
    }
    let rows = sqlx::query(
        "DELETE FROM vendor_digest_items WHERE vendor_id = $1 RETURNING purchase_order_id",
    )
    .bind(vendor_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut ids: Vec<i64> = rows
        .iter()
        .map(|row| row.get("purchase_order_id"))
        .collect();
    ids.sort_unstable();
    Ok(Some(ids))
}

/// Claims the operators' digest if the last one is at least `every_ms` old (compare-and-set on
/// its clock); the time the last one read up to, from which what is new counts.
pub async fn take_operator_digest(
    conn: &mut AnyConnection,
    every_ms: i64,
    now: i64,
) -> Result<Option<i64>, DbError> {
    let previous: i64 = sqlx::query("SELECT operator_digest_at FROM mail_settings WHERE id = 1")
        .fetch_one(&mut *conn)
        .await?
        .get("operator_digest_at");
    if previous > now - every_ms {
        return Ok(None);
    }
    let claimed = sqlx::query(
        "UPDATE mail_settings SET operator_digest_at = $1 WHERE id = 1 AND operator_digest_at = $2",
    )
    .bind(now)
    .bind(previous)
    .execute(&mut *conn)
    .await?;
    Ok((claimed.rows_affected() == 1).then_some(previous))
}

/// What appeared for operators between `since` and `until`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OperatorNews {
    /// Orders that entered Needs attention: (store id, order number).
    pub needs_attention: Vec<(i64, i64)>,
    /// Shipment parts BigCommerce refused: (store id, order number, its message).
    pub refused_shipments: Vec<(i64, i64, String)>,
    /// Stock feeds that failed: (vendor name, the error).
    pub failed_feeds: Vec<(String, String)>,
    /// Lines vendors could not fulfil: (vendor name, order number, the line, the reason).
    pub declined_lines: Vec<(String, i64, String, String)>,
    /// Jobs that failed for good: how many.
    pub failed_jobs: i64,
}

impl OperatorNews {
    pub fn is_empty(&self) -> bool {
        self.needs_attention.is_empty()
            && self.refused_shipments.is_empty()
            && self.failed_feeds.is_empty()
            && self.declined_lines.is_empty()
            && self.failed_jobs == 0
    }
}

/// Reads what appeared in `(since, until]`, at most 50 of each.
pub async fn operator_news(
    conn: &mut AnyConnection,
    since: i64,
    until: i64,
) -> Result<OperatorNews, DbError> {
    let needs_attention = sqlx::query(
        "SELECT DISTINCT o.store_id, b.external_id FROM order_events e
         JOIN orders o ON o.id = e.order_id
         JOIN bindings b ON b.kind = 'order' AND b.local_id = o.id
         WHERE e.kind = 'needs_attention' AND e.at > $1 AND e.at <= $2
           AND o.routing_state = 'needs_attention'
         ORDER BY b.external_id LIMIT 50",
    )
    .bind(since)
    .bind(until)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| (row.get("store_id"), row.get("external_id")))
    .collect();
    let refused_shipments = sqlx::query(
        "SELECT o.store_id, b.external_id, COALESCE(p.error, '') AS error FROM shipment_parts p
         JOIN shipments s ON s.id = p.shipment_id
         JOIN purchase_orders po ON po.id = s.purchase_order_id
         JOIN orders o ON o.id = po.order_id
         JOIN bindings b ON b.kind = 'order' AND b.local_id = o.id
         WHERE p.state = 'failed' AND p.updated_at > $1 AND p.updated_at <= $2
         ORDER BY p.id LIMIT 50",
    )
    .bind(since)
    .bind(until)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| {
        (
            row.get("store_id"),
            row.get("external_id"),
            row.get("error"),
        )
    })
    .collect();
    let failed_feeds = sqlx::query(
        "SELECT v.name, f.last_error FROM stock_feeds f JOIN vendors v ON v.id = f.vendor_id
         WHERE f.last_error IS NOT NULL AND f.last_run_at > $1 AND f.last_run_at <= $2
         ORDER BY f.id LIMIT 50",
    )
    .bind(since)
    .bind(until)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| (row.get("name"), row.get("last_error")))
    .collect();
    let declined_lines = sqlx::query(
        "SELECT v.name AS vendor, b.external_id, l.name, COALESCE(l.sku, '') AS sku, d.reason
         FROM line_declines d JOIN vendors v ON v.id = d.vendor_id
         JOIN order_lines l ON l.id = d.order_line_id
         JOIN bindings b ON b.kind = 'order' AND b.local_id = l.order_id
         WHERE d.declined_at > $1 AND d.declined_at <= $2
         ORDER BY d.id LIMIT 50",
    )
    .bind(since)
    .bind(until)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| {
        let (name, sku): (String, String) = (row.get("name"), row.get("sku"));
        let line = if sku.is_empty() {
            name
        } else {
            format!("{name} ({sku})")
        };
        (
            row.get("vendor"),
            row.get("external_id"),
            line,
            row.get("reason"),
        )
    })
    .collect();
    let failed_jobs: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM jobs WHERE status = 'failed' AND updated_at > $1 AND updated_at <= $2",
    )
    .bind(since)
    .bind(until)
    .fetch_one(&mut *conn)
    .await?
    .get("n");
    Ok(OperatorNews {
        needs_attention,
        refused_shipments,
        failed_feeds,
        declined_lines,
        failed_jobs,
    })
}
