//! Routing orders' lines onto purchase orders, and each order's routing state: a batch of
//! orders at a time (a page of a poll), one order being a batch of one.

use std::collections::HashMap;

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::db::sql::{IN_LIST_CHUNK, ROWS_PER_INSERT, placeholders, values_rows};
use crate::db::{DbError, now_ms};
use crate::domain::order::RoutingState;
use crate::domain::routing::{LineKind, RoutableLine, RoutingPlan};

pub(super) fn kind_str(kind: LineKind) -> &'static str {
    match kind {
        LineKind::Physical => "physical",
        LineKind::Digital => "digital",
        LineKind::GiftCertificate => "gift_certificate",
    }
}

fn parse_kind(s: &str) -> LineKind {
    match s {
        "digital" => LineKind::Digital,
        "gift_certificate" => LineKind::GiftCertificate,
        _ => LineKind::Physical,
    }
}

/// The order's lines not yet on any purchase order, as routing sees them.
pub async fn unrouted_lines(
    conn: &mut AnyConnection,
    order_id: i64,
) -> Result<Vec<RoutableLine>, DbError> {
    Ok(unrouted_lines_of_orders(conn, &[order_id])
        .await?
        .remove(&order_id)
        .unwrap_or_default())
}

/// Each order's lines not yet on any purchase order, in line order (orders without such lines
/// are absent).
pub async fn unrouted_lines_of_orders(
    conn: &mut AnyConnection,
    order_ids: &[i64],
) -> Result<HashMap<i64, Vec<RoutableLine>>, DbError> {
    let mut lines: HashMap<i64, Vec<RoutableLine>> = HashMap::new();
    for chunk in order_ids.chunks(IN_LIST_CHUNK) {
        let sql = format!(
            "SELECT l.order_id, l.id, l.variant_id, l.sku, l.kind, l.quantity, p.brand_name
             FROM order_lines l
             LEFT JOIN variants v ON v.id = l.variant_id
             LEFT JOIN products p ON p.id = v.product_id
             WHERE l.order_id IN ({}) AND NOT EXISTS (SELECT 1 FROM purchase_order_lines pl WHERE pl.order_line_id = l.id)
             ORDER BY l.id",
            placeholders(1, chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        for r in query.fetch_all(&mut *conn).await? {
            lines
                .entry(r.get("order_id"))
                .or_default()
                .push(RoutableLine {
                    line_id: r.get("id"),
                    variant_id: r.get("variant_id"),
                    brand: r.get("brand_name"),
                    sku: r.get("sku"),
                    kind: parse_kind(r.get("kind")),
                    quantity: r.get("quantity"),
                });
        }
    }
    Ok(lines)
}

/// An unrouted line as the operator sees it, to choose its vendor.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct UnroutedLine {
    #[serde(skip)]
    pub line_id: i64,
    /// Wharf's variant: a line without one (a custom product) can't have a SKU rule.
    #[serde(skip)]
    pub variant_id: Option<i64>,
    pub name: String,
    pub sku: Option<String>,
    pub brand: Option<String>,
    pub quantity: i64,
    /// The vendors that said they can't fulfil it, with their reasons.
    pub declined: Vec<crate::db::orders::vendor_actions::LineDecline>,
}

/// The order's lines not yet on any purchase order, with their names and brands.
pub async fn unrouted_line_details(
    conn: &mut AnyConnection,
    order_id: i64,
) -> Result<Vec<UnroutedLine>, DbError> {
    let rows = sqlx::query(
        "SELECT l.id, l.variant_id, l.name, l.sku, l.quantity, p.brand_name
         FROM order_lines l
         LEFT JOIN variants v ON v.id = l.variant_id
         LEFT JOIN products p ON p.id = v.product_id
         WHERE l.order_id = $1 AND NOT EXISTS (SELECT 1 FROM purchase_order_lines pl WHERE pl.order_line_id = l.id)
         ORDER BY l.id",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| UnroutedLine {
            line_id: r.get("id"),
            variant_id: r.get("variant_id"),
            name: r.get("name"),
            sku: r.get("sku"),
            brand: r.get("brand_name"),
            quantity: r.get("quantity"),
            declined: Vec::new(),
        })
        .collect())
}

/// Puts each order's planned lines on their vendors' purchase orders (one per vendor per
/// order), many rows per statement. Returns, for each order given, the vendors whose purchase
/// order this created, in vendor order.
pub async fn apply_plans(
    conn: &mut AnyConnection,
    plans: &[(i64, &RoutingPlan)],
) -> Result<Vec<Vec<i64>>, DbError> {
    let now = now_ms();
    let wanted: Vec<(i64, i64)> = plans
        .iter()
        .flat_map(|(order_id, plan)| plan.purchase_orders.keys().map(|&v| (*order_id, v)))
        .collect();
    // (order, vendor) → purchase order, for those this created.
    let mut created: HashMap<(i64, i64), i64> = HashMap::new();
    for chunk in wanted.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO purchase_orders (order_id, vendor_id, status, created_at, updated_at) VALUES {}
             ON CONFLICT (order_id, vendor_id) DO NOTHING RETURNING id, order_id, vendor_id",
            values_rows(chunk.len(), 5)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for &(order_id, vendor_id) in chunk {
            query = query
                .bind(order_id)
                .bind(vendor_id)
                .bind("open")
                .bind(now)
                .bind(now);
        }
        for row in query.fetch_all(&mut *conn).await? {
            created.insert((row.get("order_id"), row.get("vendor_id")), row.get("id"));
        }
    }
    let mut lines: Vec<(i64, i64, i64)> = Vec::new();
    let mut created_by_order = Vec::with_capacity(plans.len());
    for (order_id, plan) in plans {
        let mut vendors = Vec::new();
        for (&vendor_id, planned) in &plan.purchase_orders {
            let purchase_order_id = match created.get(&(*order_id, vendor_id)) {
                Some(&id) => {
                    vendors.push(vendor_id);
                    id
                }
                None => reopen_purchase_order(conn, *order_id, vendor_id, now).await?,
            };
            lines.extend(
                planned
                    .iter()
                    .map(|&(line_id, quantity)| (purchase_order_id, line_id, quantity)),
            );
        }
        created_by_order.push(vendors);
    }
    for chunk in lines.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO purchase_order_lines (purchase_order_id, order_line_id, quantity) VALUES {}
             ON CONFLICT (order_line_id) DO NOTHING",
            values_rows(chunk.len(), 3)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for &(purchase_order_id, line_id, quantity) in chunk {
            query = query.bind(purchase_order_id).bind(line_id).bind(quantity);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(created_by_order)
}

/// The order's purchase order for the vendor, which exists already. One closed when its vendor
/// declined every line opens again for a line routing now sends it (never one of those it
/// declined).
async fn reopen_purchase_order(
    conn: &mut AnyConnection,
    order_id: i64,
    vendor_id: i64,
    now: i64,
) -> Result<i64, DbError> {
    Ok(sqlx::query(
        "UPDATE purchase_orders SET status = CASE WHEN status = 'closed' THEN 'open' ELSE status END,
                updated_at = $3
         WHERE order_id = $1 AND vendor_id = $2 RETURNING id",
    )
    .bind(order_id)
    .bind(vendor_id)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?
    .get("id"))
}

/// Cancels the order's open purchase orders; returns how many.
pub async fn cancel_purchase_orders(
    conn: &mut AnyConnection,
    order_id: i64,
) -> Result<u64, DbError> {
    let result = sqlx::query(
        "UPDATE purchase_orders SET status = 'cancelled', updated_at = $2 WHERE order_id = $1 AND status = 'open'",
    )
    .bind(order_id)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(result.rows_affected())
}

/// Sets each order's routing state (one statement per state).
pub async fn set_routing_states(
    conn: &mut AnyConnection,
    states: &[(i64, RoutingState)],
) -> Result<(), DbError> {
    for state in [
        RoutingState::Waiting,
        RoutingState::Routed,
        RoutingState::NeedsAttention,
        RoutingState::Cancelled,
    ] {
        let ids: Vec<i64> = states
            .iter()
            .filter(|(_, s)| *s == state)
            .map(|(id, _)| *id)
            .collect();
        for chunk in ids.chunks(IN_LIST_CHUNK) {
            let sql = format!(
                "UPDATE orders SET routing_state = $1 WHERE id IN ({})",
                placeholders(2, chunk.len())
            );
            let mut query = sqlx::query(AssertSqlSafe(sql)).bind(state.as_str());
            for id in chunk {
                query = query.bind(*id);
            }
            query.execute(&mut *conn).await?;
        }
    }
    Ok(())
}

pub async fn set_routing_state(
    conn: &mut AnyConnection,
    order_id: i64,
    state: RoutingState,
) -> Result<(), DbError> {
    set_routing_states(conn, &[(order_id, state)]).await
}

/// Each order's routing state, for those that exist.
pub async fn routing_states(
    conn: &mut AnyConnection,
    order_ids: &[i64],
) -> Result<HashMap<i64, RoutingState>, DbError> {
    let mut states = HashMap::with_capacity(order_ids.len());
    for chunk in order_ids.chunks(IN_LIST_CHUNK) {
        let sql = format!(
            "SELECT id, routing_state FROM orders WHERE id IN ({})",
            placeholders(1, chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut *conn).await? {
            let state: String = row.get("routing_state");
            let parsed = RoutingState::parse(&state)
                .ok_or_else(|| DbError::Corrupt(format!("unknown routing state {state:?}")))?;
            states.insert(row.get("id"), parsed);
        }
    }
    Ok(states)
}

pub async fn routing_state(
    conn: &mut AnyConnection,
    order_id: i64,
) -> Result<Option<RoutingState>, DbError> {
    Ok(routing_states(conn, &[order_id]).await?.remove(&order_id))
}
