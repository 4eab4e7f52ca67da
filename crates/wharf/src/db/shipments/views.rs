//! Shipments as pages and APIs show them: the shipment, its lines, and the BigCommerce
//! shipments it became.

use std::collections::HashMap;

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::parts::PART;
use crate::db::DbError;

/// A shipment as pages and APIs show it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ShipmentView {
    pub id: i64,
    pub order_id: i64,
    pub purchase_order_id: Option<i64>,
    pub source: String,
    pub tracking_number: String,
    pub carrier: String,
    pub carrier_known: bool,
    pub tracking_url: Option<String>,
    pub shipping_method: Option<String>,
    /// pending | pushed | failed | held | imported
    pub state: String,
    pub error: Option<String>,
    pub shipped_after_cancellation: bool,
    pub created_at_ms: i64,
    pub lines: Vec<ShipmentLineView>,
    /// The BigCommerce shipments it became (one per shipping address).
    pub bigcommerce_shipment_ids: Vec<i64>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct ShipmentLineView {
    pub order_line_id: i64,
    pub sku: Option<String>,
    pub name: String,
    pub quantity: i64,
    /// Part of `quantity` BigCommerce had shipped already (by someone else): not shipped again.
    pub already_shipped: i64,
}

/// A row of `select_shipments!` as the database has it.
#[derive(sqlx::FromRow)]
struct ShipmentRow {
    id: i64,
    order_id: i64,
    purchase_order_id: Option<i64>,
    source: String,
    tracking_number: String,
    carrier: String,
    carrier_slug: Option<String>,
    tracking_url: Option<String>,
    shipping_method: Option<String>,
    state: String,
    error: Option<String>,
    shipped_after_cancellation: i64,
    created_at: i64,
}

/// A row of a shipment's lines, with the shipment it belongs to.
#[derive(sqlx::FromRow)]
struct ShipmentLineRow {
    shipment_id: i64,
    #[sqlx(flatten)]
    line: ShipmentLineView,
}

/// `SELECT <a shipment view's columns> FROM shipments <rest>`, as the literal sqlx requires.
macro_rules! select_shipments {
    ($rest:literal) => {
        concat!(
            "SELECT id, order_id, purchase_order_id, source, tracking_number, carrier, carrier_slug,
                    tracking_url, shipping_method, state, error, shipped_after_cancellation, created_at
             FROM shipments ",
            $rest
        )
    };
}

/// Shipments of an order, or of one purchase order, oldest first.
pub async fn list(
    conn: &mut AnyConnection,
    order_id: Option<i64>,
    purchase_order_id: Option<i64>,
) -> Result<Vec<ShipmentView>, DbError> {
    let rows = sqlx::query_as(select_shipments!(
        "WHERE ($1 < 0 OR order_id = $1) AND ($2 < 0 OR purchase_order_id = $2) ORDER BY id"
    ))
    .bind(order_id.unwrap_or(-1))
    .bind(purchase_order_id.unwrap_or(-1))
    .fetch_all(&mut *conn)
    .await?;
    views(conn, rows).await
}

pub async fn get(
    conn: &mut AnyConnection,
    shipment_id: i64,
) -> Result<Option<ShipmentView>, DbError> {
    let rows = sqlx::query_as(select_shipments!("WHERE id = $1"))
        .bind(shipment_id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(views(conn, rows).await?.pop())
}

async fn views(
    conn: &mut AnyConnection,
    rows: Vec<ShipmentRow>,
) -> Result<Vec<ShipmentView>, DbError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut lines: HashMap<i64, Vec<ShipmentLineView>> = HashMap::new();
    let mut external: HashMap<i64, Vec<i64>> = HashMap::new();
    for chunk in ids.chunks(crate::db::sql::IN_LIST_CHUNK) {
        let list = crate::db::sql::placeholders(1, chunk.len());
        let sql = format!(
            "SELECT sl.shipment_id, sl.order_line_id, l.sku, l.name, sl.quantity, sl.already_shipped
             FROM shipment_lines sl JOIN order_lines l ON l.id = sl.order_line_id
             WHERE sl.shipment_id IN ({list}) ORDER BY sl.id"
        );
        let mut query = sqlx::query_as::<_, ShipmentLineRow>(AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        for record in query.fetch_all(&mut *conn).await? {
            lines
                .entry(record.shipment_id)
                .or_default()
                .push(record.line);
        }
        let sql = format!(
            "SELECT p.shipment_id, b.external_id FROM shipment_parts p
             JOIN bindings b ON b.kind = '{PART}' AND b.local_id = p.id
             WHERE p.shipment_id IN ({list}) AND p.state = 'created' ORDER BY p.id"
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        for r in query.fetch_all(&mut *conn).await? {
            external
                .entry(r.get("shipment_id"))
                .or_default()
                .push(r.get("external_id"));
        }
    }
    Ok(rows
        .into_iter()
        .map(|r| ShipmentView {
            id: r.id,
            order_id: r.order_id,
            purchase_order_id: r.purchase_order_id,
            source: r.source,
            tracking_number: r.tracking_number,
            carrier: r.carrier,
            carrier_known: r.carrier_slug.is_some(),
            tracking_url: r.tracking_url,
            shipping_method: r.shipping_method,
            state: r.state,
            error: r.error,
            shipped_after_cancellation: r.shipped_after_cancellation != 0,
            created_at_ms: r.created_at,
            lines: lines.remove(&r.id).unwrap_or_default(),
            bigcommerce_shipment_ids: external.remove(&r.id).unwrap_or_default(),
        })
        .collect())
}
