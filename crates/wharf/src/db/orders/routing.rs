//! Routing an order's lines onto purchase orders, and the order's routing state.

use sqlx::{AnyConnection, Row};

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
    let rows = sqlx::query(
        "SELECT l.id, l.variant_id, l.sku, l.kind, l.quantity, p.brand_name
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
        .map(|r| RoutableLine {
            line_id: r.get("id"),
            variant_id: r.get("variant_id"),
            brand: r.get("brand_name"),
            sku: r.get("sku"),
            kind: parse_kind(r.get("kind")),
            quantity: r.get("quantity"),
        })
        .collect())
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

/// Puts the planned lines on their vendors' purchase orders (one per vendor per order).
/// Returns the vendors whose purchase order this created.
pub async fn apply_plan(
    conn: &mut AnyConnection,
    order_id: i64,
    plan: &RoutingPlan,
) -> Result<Vec<i64>, DbError> {
    let now = now_ms();
    let mut created = Vec::new();
    for (&vendor_id, lines) in &plan.purchase_orders {
        let inserted = sqlx::query(
            "INSERT INTO purchase_orders (order_id, vendor_id, status, created_at, updated_at) VALUES ($1, $2, 'open', $3, $3)
             ON CONFLICT (order_id, vendor_id) DO NOTHING RETURNING id",
        )
        .bind(order_id)
        .bind(vendor_id)
        .bind(now)
        .fetch_optional(&mut *conn)
        .await?;
        let purchase_order_id: i64 = match inserted {
            Some(row) => {
                created.push(vendor_id);
                row.get("id")
            }
            None => {
                // A purchase order closed when its vendor declined every line opens again for
                // a line routing now sends it (never one of those it declined).
                sqlx::query(
                    "UPDATE purchase_orders SET status = CASE WHEN status = 'closed' THEN 'open' ELSE status END,
                            updated_at = $3
                     WHERE order_id = $1 AND vendor_id = $2 RETURNING id",
                )
                .bind(order_id)
                .bind(vendor_id)
                .bind(now)
                .fetch_one(&mut *conn)
                .await?
                .get("id")
            }
        };
        for &(line_id, quantity) in lines {
            sqlx::query(
                "INSERT INTO purchase_order_lines (purchase_order_id, order_line_id, quantity) VALUES ($1, $2, $3)
                 ON CONFLICT (order_line_id) DO NOTHING",
            )
            .bind(purchase_order_id)
            .bind(line_id)
            .bind(quantity)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(created)
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

pub async fn set_routing_state(
    conn: &mut AnyConnection,
    order_id: i64,
    state: RoutingState,
) -> Result<(), DbError> {
    sqlx::query("UPDATE orders SET routing_state = $2 WHERE id = $1")
        .bind(order_id)
        .bind(state.as_str())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn routing_state(
    conn: &mut AnyConnection,
    order_id: i64,
) -> Result<Option<RoutingState>, DbError> {
    let Some(row) = sqlx::query("SELECT routing_state FROM orders WHERE id = $1")
        .bind(order_id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let state: String = row.get("routing_state");
    RoutingState::parse(&state)
        .map(Some)
        .ok_or_else(|| DbError::Corrupt(format!("unknown routing state {state:?}")))
}
