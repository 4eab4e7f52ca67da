//! Purchase orders sent to vendors' own BigCommerce stores: the send attempts (intent →
//! sending → created / failed / cancelled / replaced), the lines as sent, and the vendor
//! shipments recorded from them (see `domain::vendor_order` for the rules).
//!
//! At most one live attempt per purchase order is a unique index, so `record_intent` is the
//! one place that decides "may a vendor order be sent now": it inserts or finds one live.
//! Every transition names the states it may leave, so a stale worker cannot undo a newer one.

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::{DbError, now_ms};
use crate::domain::vendor_order::VendorOrderState;

/// One send attempt of a purchase order to a vendor's store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorOrderRow {
    pub id: i64,
    pub purchase_order_id: i64,
    pub store_id: i64,
    pub state: VendorOrderState,
    pub reference: String,
    pub external_id: Option<i64>,
    pub message: Option<String>,
    pub attempts: i64,
    pub shipped_before_cancel: bool,
    pub intent_at: i64,
    pub created_at: Option<i64>,
}

/// A purchase-order line on a send attempt: sent as a vendor product, or left out and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorOrderLine {
    pub id: i64,
    pub order_line_id: i64,
    pub quantity: i64,
    pub vendor_product_id: Option<i64>,
    pub vendor_variant_id: Option<i64>,
    pub external_product_id: Option<i64>,
    pub sent: bool,
    pub message: Option<String>,
}

/// A line to record on an attempt, before it is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedLine {
    pub order_line_id: i64,
    pub quantity: i64,
    /// (vendor product id, vendor variant id) when the line goes on the order.
    pub vendor_item: Option<(i64, i64)>,
    /// Why it is left out, in words.
    pub message: Option<String>,
}

const COLUMNS: &str = "id, purchase_order_id, store_id, state, reference, external_id, message,
     attempts, shipped_before_cancel, intent_at, created_at";

fn read_row(row: &sqlx::any::AnyRow) -> Result<VendorOrderRow, DbError> {
    let state: String = row.get("state");
    Ok(VendorOrderRow {
        id: row.get("id"),
        purchase_order_id: row.get("purchase_order_id"),
        store_id: row.get("store_id"),
        state: VendorOrderState::parse(&state)
            .ok_or_else(|| DbError::Corrupt(format!("unknown vendor order state {state:?}")))?,
        reference: row.get("reference"),
        external_id: row.get("external_id"),
        message: row.get("message"),
        attempts: row.get("attempts"),
        shipped_before_cancel: row.get::<i64, _>("shipped_before_cancel") != 0,
        intent_at: row.get("intent_at"),
        created_at: row.get("created_at"),
    })
}

/// Records the intent to send the purchase order to the vendor's store; `None` when a live
/// attempt exists already (it is the one to finish, never a second).
pub async fn record_intent(
    conn: &mut AnyConnection,
    purchase_order_id: i64,
    store_id: i64,
    reference: &str,
) -> Result<Option<i64>, DbError> {
    let now = now_ms();
    let row = sqlx::query(
        "INSERT INTO vendor_orders (purchase_order_id, store_id, state, reference, intent_at, updated_at)
         VALUES ($1, $2, 'intent', $3, $4, $4) ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(purchase_order_id)
    .bind(store_id)
    .bind(reference)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| r.get("id")))
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<VendorOrderRow>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM vendor_orders WHERE id = $1");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(read_row).transpose()
}

/// The purchase order's latest attempt (live or not), for the order page.
pub async fn latest_of_purchase_order(
    conn: &mut AnyConnection,
    purchase_order_id: i64,
) -> Result<Option<VendorOrderRow>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM vendor_orders WHERE purchase_order_id = $1 ORDER BY id DESC LIMIT 1"
    );
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(purchase_order_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(read_row).transpose()
}

/// The attempt that made (or found) this order in the vendor's store.
pub async fn by_external_id(
    conn: &mut AnyConnection,
    store_id: i64,
    external_id: i64,
) -> Result<Option<VendorOrderRow>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM vendor_orders WHERE store_id = $1 AND external_id = $2
         ORDER BY id DESC LIMIT 1"
    );
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(store_id)
        .bind(external_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(read_row).transpose()
}

/// Records the lines of an attempt (once: a retried job finds them recorded and keeps them).
pub async fn record_lines(
    conn: &mut AnyConnection,
    vendor_order_id: i64,
    lines: &[PlannedLine],
) -> Result<(), DbError> {
    for line in lines {
        sqlx::query(
            "INSERT INTO vendor_order_lines (vendor_order_id, order_line_id, quantity,
                 vendor_product_id, vendor_variant_id, state, message)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
        )
        .bind(vendor_order_id)
        .bind(line.order_line_id)
        .bind(line.quantity)
        .bind(line.vendor_item.map(|(p, _)| p))
        .bind(line.vendor_item.map(|(_, v)| v))
        .bind(if line.vendor_item.is_some() {
            "sent"
        } else {
            "left_out"
        })
        .bind(line.message.as_deref())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The attempt's lines, in the order recorded.
pub async fn lines(
    conn: &mut AnyConnection,
    vendor_order_id: i64,
) -> Result<Vec<VendorOrderLine>, DbError> {
    let rows = sqlx::query(
        "SELECT id, order_line_id, quantity, vendor_product_id, vendor_variant_id,
                external_product_id, state, message
         FROM vendor_order_lines WHERE vendor_order_id = $1 ORDER BY id",
    )
    .bind(vendor_order_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| VendorOrderLine {
            id: r.get("id"),
            order_line_id: r.get("order_line_id"),
            quantity: r.get("quantity"),
            vendor_product_id: r.get("vendor_product_id"),
            vendor_variant_id: r.get("vendor_variant_id"),
            external_product_id: r.get("external_product_id"),
            sent: r.get::<String, _>("state") == "sent",
            message: r.get("message"),
        })
        .collect())
}

/// A line the vendor store refused: left out of the next send, with its message.
pub async fn leave_out_line(
    conn: &mut AnyConnection,
    line_id: i64,
    message: &str,
) -> Result<(), DbError> {
    sqlx::query("UPDATE vendor_order_lines SET state = 'left_out', message = $2 WHERE id = $1")
        .bind(line_id)
        .bind(message)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The vendor order's product a sent line became (its shipments name it).
pub async fn set_external_product(
    conn: &mut AnyConnection,
    line_id: i64,
    external_product_id: i64,
) -> Result<(), DbError> {
    sqlx::query("UPDATE vendor_order_lines SET external_product_id = $2 WHERE id = $1")
        .bind(line_id)
        .bind(external_product_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// About to POST: `false` when the attempt is no longer to be sent (created, failed,
/// cancelled or replaced meanwhile).
pub async fn mark_sending(conn: &mut AnyConnection, id: i64) -> Result<bool, DbError> {
    let marked = sqlx::query(
        "UPDATE vendor_orders SET state = 'sending', attempts = attempts + 1, sent_at = $2, updated_at = $2
         WHERE id = $1 AND state IN ('intent', 'sending')",
    )
    .bind(id)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(marked.rows_affected() == 1)
}

/// The vendor's order exists (created now, or found by the lookup). `message` names the lines
/// left out, if any.
pub async fn mark_created(
    conn: &mut AnyConnection,
    id: i64,
    external_id: i64,
    message: Option<&str>,
) -> Result<bool, DbError> {
    let now = now_ms();
    let marked = sqlx::query(
        "UPDATE vendor_orders SET state = 'created', external_id = $2, message = $3,
                created_at = $4, updated_at = $4
         WHERE id = $1 AND state IN ('intent', 'sending')",
    )
    .bind(id)
    .bind(external_id)
    .bind(message)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(marked.rows_affected() == 1)
}

/// Nothing was created: the vendor store refused it, or nothing on it could be sent.
pub async fn mark_failed(
    conn: &mut AnyConnection,
    id: i64,
    message: &str,
) -> Result<bool, DbError> {
    let marked = sqlx::query(
        "UPDATE vendor_orders SET state = 'failed', message = $2, updated_at = $3
         WHERE id = $1 AND state IN ('intent', 'sending')",
    )
    .bind(id)
    .bind(message)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(marked.rows_affected() == 1)
}

/// The purchase order was cancelled: the attempt is over, whatever it had reached (the caller
/// has cancelled the vendor's order, or made sure there is none).
pub async fn mark_cancelled(
    conn: &mut AnyConnection,
    id: i64,
    message: &str,
) -> Result<bool, DbError> {
    let marked = sqlx::query(
        "UPDATE vendor_orders SET state = 'cancelled', message = $2, updated_at = $3
         WHERE id = $1 AND state IN ('intent', 'sending', 'created', 'failed')",
    )
    .bind(id)
    .bind(message)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(marked.rows_affected() == 1)
}

/// The vendor's order a look-up found for an attempt still `sending` (the cancellation found
/// it before the send did): kept, so its shipments still map back.
pub async fn set_found_external_id(
    conn: &mut AnyConnection,
    id: i64,
    external_id: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE vendor_orders SET external_id = $2, updated_at = $3 WHERE id = $1 AND external_id IS NULL",
    )
    .bind(id)
    .bind(external_id)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The vendor shipped before the cancellation reached it: its order is kept, and says so.
pub async fn keep_shipped(conn: &mut AnyConnection, id: i64, message: &str) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE vendor_orders SET shipped_before_cancel = 1, message = $2, updated_at = $3 WHERE id = $1",
    )
    .bind(id)
    .bind(message)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// *Send again*: a failed or cancelled attempt gives way to a new one; `false` when the
/// attempt is live (or replaced already).
pub async fn replace(conn: &mut AnyConnection, id: i64) -> Result<bool, DbError> {
    let marked = sqlx::query(
        "UPDATE vendor_orders SET state = 'replaced', updated_at = $2
         WHERE id = $1 AND state IN ('failed', 'cancelled')",
    )
    .bind(id)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(marked.rows_affected() == 1)
}

/// Created vendor orders of a store whose purchase order may still ship, least recently
/// read first, at most `limit`: what the reconciling poll reads.
pub async fn open_for_poll(
    conn: &mut AnyConnection,
    store_id: i64,
    limit: i64,
) -> Result<Vec<VendorOrderRow>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM vendor_orders
         WHERE store_id = $1 AND state = 'created'
         ORDER BY COALESCE(polled_at, 0), id LIMIT $2"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(store_id)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(read_row).collect()
}

pub async fn mark_polled(conn: &mut AnyConnection, id: i64) -> Result<(), DbError> {
    sqlx::query("UPDATE vendor_orders SET polled_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now_ms())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Claims a vendor store shipment for recording: `false` when it was recorded before (by a
/// webhook or an earlier poll), so it is never recorded twice.
pub async fn claim_vendor_shipment(
    conn: &mut AnyConnection,
    vendor_order_id: i64,
    external_shipment_id: i64,
) -> Result<bool, DbError> {
    let inserted = sqlx::query(
        "INSERT INTO vendor_order_shipments (vendor_order_id, external_shipment_id, recorded_at)
         VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(vendor_order_id)
    .bind(external_shipment_id)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// The wharf shipment a claimed vendor store shipment became.
pub async fn bind_vendor_shipment(
    conn: &mut AnyConnection,
    vendor_order_id: i64,
    external_shipment_id: i64,
    shipment_id: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE vendor_order_shipments SET shipment_id = $3
         WHERE vendor_order_id = $1 AND external_shipment_id = $2",
    )
    .bind(vendor_order_id)
    .bind(external_shipment_id)
    .bind(shipment_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// How many of the vendor order's shipments wharf has recorded.
pub async fn recorded_shipments(
    conn: &mut AnyConnection,
    vendor_order_id: i64,
) -> Result<i64, DbError> {
    let row =
        sqlx::query("SELECT COUNT(*) AS n FROM vendor_order_shipments WHERE vendor_order_id = $1")
            .bind(vendor_order_id)
            .fetch_one(&mut *conn)
            .await?;
    Ok(row.get("n"))
}

/// What sending a purchase order needs beyond its lines: whose it is, the merchant's order
/// number and store, and the customer's e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendContext {
    pub purchase_order_id: i64,
    pub vendor_id: i64,
    pub order_id: i64,
    /// The merchant's order number (its BigCommerce order id).
    pub order_number: i64,
    pub cancelled: bool,
    pub merchant_store_id: i64,
    pub merchant_store_name: String,
    pub customer_email: Option<String>,
}

pub async fn send_context(
    conn: &mut AnyConnection,
    purchase_order_id: i64,
) -> Result<Option<SendContext>, DbError> {
    let row = sqlx::query(
        "SELECT po.id, po.vendor_id, po.order_id, po.status, b.external_id AS order_number,
                o.store_id, s.name AS store_name, o.customer_email
         FROM purchase_orders po
         JOIN orders o ON o.id = po.order_id
         JOIN stores s ON s.id = o.store_id
         JOIN bindings b ON b.kind = 'order' AND b.local_id = po.order_id AND b.store_id = o.store_id
         WHERE po.id = $1",
    )
    .bind(purchase_order_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| SendContext {
        purchase_order_id: r.get("id"),
        vendor_id: r.get("vendor_id"),
        order_id: r.get("order_id"),
        order_number: r.get("order_number"),
        cancelled: r.get::<String, _>("status") == "cancelled",
        merchant_store_id: r.get("store_id"),
        merchant_store_name: r.get("store_name"),
        customer_email: r.get("customer_email"),
    }))
}

/// The purchase order of `vendor_id` on the order.
pub async fn purchase_order_of_vendor(
    conn: &mut AnyConnection,
    order_id: i64,
    vendor_id: i64,
) -> Result<Option<i64>, DbError> {
    let row = sqlx::query("SELECT id FROM purchase_orders WHERE order_id = $1 AND vendor_id = $2")
        .bind(order_id)
        .bind(vendor_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| r.get("id")))
}

/// The order's open purchase orders that have a live vendor order: what a cancellation of
/// the order must reach in the vendors' stores.
pub async fn live_of_open_purchase_orders(
    conn: &mut AnyConnection,
    order_id: i64,
) -> Result<Vec<i64>, DbError> {
    let rows = sqlx::query(
        "SELECT po.id FROM purchase_orders po
         JOIN vendor_orders v ON v.purchase_order_id = po.id
         WHERE po.order_id = $1 AND po.status = 'open' AND v.state IN ('intent', 'sending', 'created')
         ORDER BY po.id",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.iter().map(|r| r.get("id")).collect())
}

/// The vendor's own BigCommerce store, if it has one that is connected and not disabled,
/// removed or paused in the vendor's settings: where its purchase orders go.
pub async fn vendor_store_of(
    conn: &mut AnyConnection,
    vendor_id: i64,
) -> Result<Option<i64>, DbError> {
    let row = sqlx::query(
        "SELECT s.id FROM stores s
         LEFT JOIN vendor_store_settings v ON v.vendor_id = s.vendor_id
         WHERE s.vendor_id = $1 AND s.removed_at IS NULL AND s.disabled_at IS NULL
           AND s.connection_status = 'connected' AND COALESCE(v.active, 1) = 1
         ORDER BY s.id LIMIT 1",
    )
    .bind(vendor_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| r.get("id")))
}

/// The vendor stores with orders that may still ship: what the reconciling poll visits.
pub async fn stores_with_open_orders(db: &super::Db) -> Result<Vec<i64>, DbError> {
    let rows = sqlx::query(
        "SELECT DISTINCT store_id FROM vendor_orders WHERE state = 'created' ORDER BY store_id",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(|r| r.get("store_id")).collect())
}
