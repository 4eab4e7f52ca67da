//! A shipment part's life: one BigCommerce shipment per (shipment × shipping address). The
//! push's plan, every state a part moves through and the fences on them, its binding to the
//! BigCommerce shipment, and what the created parts have shipped. The order of writes that makes
//! the push exactly once (ARCHITECTURE.md, *Shipments out*) is kept by these queries: each says
//! which states it moves a part from.

use std::collections::{HashMap, HashSet};

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::records::set_state;
use crate::db::bindings::local_id;
use crate::db::{DbError, now_ms};
use crate::domain::order::RoutingState;
use crate::domain::shipment::{PartState, ShipmentState};

/// Bindings kind of a shipment part (its BigCommerce shipment).
pub const PART: &str = "shipment";

/// One line of a part, with everything the push needs.
#[derive(Debug, Clone)]
pub struct PartLine {
    pub shipment_line_id: i64,
    pub order_line_id: i64,
    pub order_product_external_id: i64,
    pub sku: Option<String>,
    pub quantity: i64,
    pub already_shipped: i64,
    /// The order line's size and what BigCommerce said was shipped of it when last read.
    pub line_quantity: i64,
    pub line_shipped_in_bigcommerce: i64,
}

impl PartLine {
    pub fn to_send(&self) -> i64 {
        self.quantity - self.already_shipped
    }
}

#[derive(Debug, Clone)]
pub struct Part {
    pub id: i64,
    pub address_external_id: i64,
    pub state: PartState,
    pub attempts: i64,
    pub external_id: Option<i64>,
    pub lines: Vec<PartLine>,
}

/// A shipment as the push (and the import's matching) sees it.
#[derive(Debug, Clone)]
pub struct PushPlan {
    pub shipment_id: i64,
    pub store_id: i64,
    pub order_id: i64,
    pub order_external_id: i64,
    pub order_cancelled: bool,
    pub state: String,
    pub shipped_after_cancellation: bool,
    pub tracking_number: String,
    pub carrier: String,
    pub carrier_slug: Option<String>,
    pub tracking_url: Option<String>,
    pub shipping_method: Option<String>,
    /// When wharf recorded the shipment (for the sync-lag metric).
    pub created_at_ms: i64,
    pub parts: Vec<Part>,
}

pub async fn push_plan(
    conn: &mut AnyConnection,
    shipment_id: i64,
) -> Result<Option<PushPlan>, DbError> {
    let Some(row) = sqlx::query(
        "SELECT s.id, s.order_id, s.state, s.shipped_after_cancellation, s.tracking_number, s.carrier, s.carrier_slug,
                s.tracking_url, s.shipping_method, s.created_at, o.store_id, o.routing_state, b.external_id
         FROM shipments s JOIN orders o ON o.id = s.order_id
         JOIN bindings b ON b.kind = 'order' AND b.local_id = o.id
         WHERE s.id = $1",
    )
    .bind(shipment_id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let parts = parts_of(conn, &[shipment_id])
        .await?
        .remove(&shipment_id)
        .unwrap_or_default();
    Ok(Some(PushPlan {
        shipment_id,
        store_id: row.get("store_id"),
        order_id: row.get("order_id"),
        order_external_id: row.get("external_id"),
        order_cancelled: RoutingState::parse(&row.get::<String, _>("routing_state"))
            == Some(RoutingState::Cancelled),
        state: row.get("state"),
        shipped_after_cancellation: row.get::<i64, _>("shipped_after_cancellation") != 0,
        tracking_number: row.get("tracking_number"),
        carrier: row.get("carrier"),
        carrier_slug: row.get("carrier_slug"),
        tracking_url: row.get("tracking_url"),
        shipping_method: row.get("shipping_method"),
        created_at_ms: row.get("created_at"),
        parts,
    }))
}

/// The parts (with their lines) of the shipments given, by shipment.
async fn parts_of(
    conn: &mut AnyConnection,
    shipment_ids: &[i64],
) -> Result<HashMap<i64, Vec<Part>>, DbError> {
    let mut by_shipment: HashMap<i64, Vec<Part>> = HashMap::new();
    for chunk in shipment_ids.chunks(crate::db::sql::IN_LIST_CHUNK) {
        let list = crate::db::sql::placeholders(1, chunk.len());
        let sql = format!(
            "SELECT p.id, p.shipment_id, p.state, p.attempts, ab.external_id AS address_external_id, pb.external_id AS part_external_id
             FROM shipment_parts p
             JOIN bindings ab ON ab.kind = 'order_address' AND ab.local_id = p.address_id
             LEFT JOIN bindings pb ON pb.kind = '{PART}' AND pb.local_id = p.id
             WHERE p.shipment_id IN ({list}) ORDER BY p.id"
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        let parts = query.fetch_all(&mut *conn).await?;
        let sql = format!(
            "SELECT sl.id, sl.shipment_id, sl.order_line_id, sl.quantity, sl.already_shipped, l.sku, l.quantity AS line_quantity,
                    l.quantity_shipped, l.address_id, p.id AS part_id, lb.external_id
             FROM shipment_lines sl JOIN order_lines l ON l.id = sl.order_line_id
             JOIN shipment_parts p ON p.shipment_id = sl.shipment_id AND p.address_id = l.address_id
             JOIN bindings lb ON lb.kind = 'order_line' AND lb.local_id = l.id
             WHERE sl.shipment_id IN ({list}) ORDER BY sl.id"
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        let mut lines_by_part: HashMap<i64, Vec<PartLine>> = HashMap::new();
        for r in query.fetch_all(&mut *conn).await? {
            lines_by_part
                .entry(r.get("part_id"))
                .or_default()
                .push(PartLine {
                    shipment_line_id: r.get("id"),
                    order_line_id: r.get("order_line_id"),
                    order_product_external_id: r.get("external_id"),
                    sku: r.get("sku"),
                    quantity: r.get("quantity"),
                    already_shipped: r.get("already_shipped"),
                    line_quantity: r.get("line_quantity"),
                    line_shipped_in_bigcommerce: r.get("quantity_shipped"),
                });
        }
        for r in parts {
            let id: i64 = r.get("id");
            by_shipment
                .entry(r.get("shipment_id"))
                .or_default()
                .push(Part {
                    id,
                    address_external_id: r.get("address_external_id"),
                    state: part_state(&r)?,
                    attempts: r.get("attempts"),
                    external_id: r.get("part_external_id"),
                    lines: lines_by_part.remove(&id).unwrap_or_default(),
                });
        }
    }
    Ok(by_shipment)
}

/// The POST is about to go out: from now on the part may exist in BigCommerce, so whoever
/// picks it up again looks before sending. Commit this before sending. False when the part is
/// no longer unsent (the shipment import bound it meanwhile): then nothing may be sent.
pub async fn mark_sending(conn: &mut AnyConnection, part_id: i64) -> Result<bool, DbError> {
    let marked = sqlx::query(
        "UPDATE shipment_parts SET state = 'sending', attempts = attempts + 1, sent_at = $2, updated_at = $2
         WHERE id = $1 AND state IN ('pending', 'sending')",
    )
    .bind(part_id)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(marked.rows_affected() == 1)
}

/// The part is in BigCommerce as that shipment. Binding it twice to the same shipment is a
/// no-op (the push and the import may both find it); a shipment already bound to another part
/// is refused (`false`).
pub async fn mark_created(
    conn: &mut AnyConnection,
    store_id: i64,
    part_id: i64,
    external_id: i64,
) -> Result<bool, DbError> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO bindings (store_id, kind, local_id, external_id, remote_modified_at, synced_at)
         VALUES ($1, $2, $3, $4, NULL, $5) ON CONFLICT DO NOTHING",
    )
    .bind(store_id)
    .bind(PART)
    .bind(part_id)
    .bind(external_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if local_id(conn, store_id, PART, external_id).await? != Some(part_id) {
        return Ok(false);
    }
    set_part_state(conn, part_id, PartState::Created, None).await?;
    Ok(true)
}

/// Sets a part's state whatever it was: for `created` (bound) and `deleted` (its BigCommerce
/// shipment is gone). What a push concludes about an unsent part goes through
/// [`settle_unsent_part`].
pub async fn set_part_state(
    conn: &mut AnyConnection,
    part_id: i64,
    state: PartState,
    error: Option<&str>,
) -> Result<(), DbError> {
    sqlx::query("UPDATE shipment_parts SET state = $2, error = $3, updated_at = $4 WHERE id = $1")
        .bind(part_id)
        .bind(state.as_str())
        .bind(error)
        .bind(now_ms())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Records what a push concluded about a part not (known to be) in BigCommerce: skipped,
/// failed, or pending again. Only while the part is `pending` or `sending`: a part another run
/// bound meanwhile (the shipment import finding wharf's own shipment whose answer was lost)
/// stays `created`. False when nothing changed.
pub async fn settle_unsent_part(
    conn: &mut AnyConnection,
    part_id: i64,
    state: PartState,
    error: Option<&str>,
) -> Result<bool, DbError> {
    let settled = sqlx::query(
        "UPDATE shipment_parts SET state = $2, error = $3, updated_at = $4
         WHERE id = $1 AND state IN ('pending', 'sending')",
    )
    .bind(part_id)
    .bind(state.as_str())
    .bind(error)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(settled.rows_affected() == 1)
}

/// Records how much of a shipment line BigCommerce had shipped already (not sent again). Like
/// [`settle_unsent_part`], only while the line's part is `pending` or `sending`: once a part is
/// bound, BigCommerce's shipped count includes the part itself, and holding any of it back
/// would leave its units counted as never shipped (the vendor would be asked to ship them
/// again). Callers take the order's lock first ([`crate::db::orders::lock_order`]), as the shipment
/// import does, so the two are ordered. False when nothing changed.
pub async fn set_already_shipped(
    conn: &mut AnyConnection,
    part_id: i64,
    shipment_line_id: i64,
    quantity: i64,
) -> Result<bool, DbError> {
    let recorded = sqlx::query(
        "UPDATE shipment_lines SET already_shipped = $3
         WHERE id = $2
           AND EXISTS (SELECT 1 FROM shipment_parts WHERE id = $1 AND state IN ('pending', 'sending'))",
    )
    .bind(part_id)
    .bind(shipment_line_id)
    .bind(quantity)
    .execute(&mut *conn)
    .await?;
    Ok(recorded.rows_affected() == 1)
}

/// Derives a pushed shipment's state from its parts: failed if one failed, pushed when none is
/// left to send, pending otherwise. Returns the state set.
pub async fn settle_state(
    conn: &mut AnyConnection,
    shipment_id: i64,
) -> Result<ShipmentState, DbError> {
    let rows =
        sqlx::query("SELECT state, error FROM shipment_parts WHERE shipment_id = $1 ORDER BY id")
            .bind(shipment_id)
            .fetch_all(&mut *conn)
            .await?;
    let states = rows.iter().map(part_state).collect::<Result<Vec<_>, _>>()?;
    let failed = rows
        .iter()
        .zip(&states)
        .find_map(|(row, state)| (*state == PartState::Failed).then_some(row));
    let open = states
        .iter()
        .any(|state| matches!(state, PartState::Pending | PartState::Sending));
    let (state, error) = match failed {
        Some(row) => (ShipmentState::Failed, row.get::<Option<String>, _>("error")),
        None if open => (ShipmentState::Pending, None),
        None => (ShipmentState::Pushed, None),
    };
    set_state(conn, shipment_id, state, error.as_deref()).await?;
    Ok(state)
}

/// Puts a failed or held shipment back in line for a push: failed parts become pending.
/// Returns false when the shipment is in neither state.
pub async fn release(conn: &mut AnyConnection, shipment_id: i64) -> Result<bool, DbError> {
    let updated = sqlx::query(
        "UPDATE shipments SET state = 'pending', error = NULL, updated_at = $2 WHERE id = $1 AND state IN ('failed', 'held')",
    )
    .bind(shipment_id)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if updated == 0 {
        return Ok(false);
    }
    sqlx::query("UPDATE shipment_parts SET state = 'pending', error = NULL, updated_at = $2 WHERE shipment_id = $1 AND state = 'failed'")
        .bind(shipment_id)
        .bind(now_ms())
        .execute(&mut *conn)
        .await?;
    Ok(true)
}

/// Which of these BigCommerce shipment ids are bound to a part already.
pub async fn bound_external_ids(
    conn: &mut AnyConnection,
    store_id: i64,
    external_ids: &[i64],
) -> Result<HashSet<i64>, DbError> {
    let mut bound = HashSet::new();
    for id in external_ids {
        if local_id(conn, store_id, PART, *id).await?.is_some() {
            bound.insert(*id);
        }
    }
    Ok(bound)
}

/// The order's shipments with parts not yet known to be in BigCommerce.
pub async fn unsettled_shipments(
    conn: &mut AnyConnection,
    order_id: i64,
) -> Result<Vec<i64>, DbError> {
    let rows = sqlx::query(
        "SELECT DISTINCT s.id FROM shipments s JOIN shipment_parts p ON p.shipment_id = s.id
         WHERE s.order_id = $1 AND p.state IN ('pending', 'sending') ORDER BY s.id",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.iter().map(|r| r.get("id")).collect())
}

/// (part id, shipment id, BigCommerce shipment id) of the order's parts that are in BigCommerce,
/// bound no later than the binding `bound_up_to` (see `bindings::latest_id`).
pub async fn created_parts(
    conn: &mut AnyConnection,
    order_id: i64,
    bound_up_to: i64,
) -> Result<Vec<(i64, i64, i64)>, DbError> {
    let rows = sqlx::query(
        "SELECT p.id, p.shipment_id, b.external_id FROM shipment_parts p JOIN shipments s ON s.id = p.shipment_id
         JOIN bindings b ON b.kind = 'shipment' AND b.local_id = p.id
         WHERE s.order_id = $1 AND p.state = 'created' AND b.id <= $2",
    )
    .bind(order_id)
    .bind(bound_up_to)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| (r.get("id"), r.get("shipment_id"), r.get("external_id")))
        .collect())
}

/// Items of the order wharf knows to be shipped in BigCommerce: what its created parts sent.
/// The order poll compares it with BigCommerce's `items_shipped` to notice shipments made (or
/// deleted) elsewhere.
pub async fn items_known_shipped(conn: &mut AnyConnection, order_id: i64) -> Result<i64, DbError> {
    Ok(items_known_shipped_of_orders(conn, &[order_id])
        .await?
        .get(&order_id)
        .copied()
        .unwrap_or(0))
}

/// [`items_known_shipped`] of many orders; an order with none is absent.
pub async fn items_known_shipped_of_orders(
    conn: &mut AnyConnection,
    order_ids: &[i64],
) -> Result<HashMap<i64, i64>, DbError> {
    let mut shipped = HashMap::new();
    for chunk in order_ids.chunks(crate::db::sql::IN_LIST_CHUNK) {
        let sql = format!(
            "SELECT s.order_id, CAST(COALESCE(SUM(sl.quantity - sl.already_shipped), 0) AS BIGINT) AS n
             FROM shipments s JOIN shipment_lines sl ON sl.shipment_id = s.id
             JOIN order_lines l ON l.id = sl.order_line_id
             JOIN shipment_parts p ON p.shipment_id = s.id AND p.address_id = l.address_id
             WHERE s.order_id IN ({}) AND p.state = 'created'
             GROUP BY s.order_id",
            crate::db::sql::placeholders(1, chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut *conn).await? {
            shipped.insert(row.get("order_id"), row.get("n"));
        }
    }
    Ok(shipped)
}

/// Binds an imported shipment's one part to the BigCommerce shipment it came from.
pub async fn bind_imported_part(
    conn: &mut AnyConnection,
    store_id: i64,
    shipment_id: i64,
    external_id: i64,
) -> Result<bool, DbError> {
    let part_id: i64 = sqlx::query("SELECT id FROM shipment_parts WHERE shipment_id = $1")
        .bind(shipment_id)
        .fetch_one(&mut *conn)
        .await?
        .get("id");
    mark_created(conn, store_id, part_id, external_id).await
}

/// A row's part `state`, refusing what no version of wharf writes.
fn part_state(row: &sqlx::any::AnyRow) -> Result<PartState, DbError> {
    let state: String = row.get("state");
    PartState::parse(&state)
        .ok_or_else(|| DbError::Corrupt(format!("unknown part state {state:?}")))
}
