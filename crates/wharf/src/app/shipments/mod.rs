//! Shipments out: recording what vendors shipped (vendor API, operator form, CSV), pushing each
//! to BigCommerce exactly once, and importing shipments made in BigCommerce by anyone else.
//!
//! How a push is exactly once without an idempotency key, and what the import may and may not
//! conclude, is explained once: ARCHITECTURE.md, *Shipments out*.

mod import;
mod push;

use std::collections::BTreeMap;

use serde::Serialize;
use sqlx::AnyConnection;

use super::App;
use super::error::AppError;
use super::jobs::{InventoryPush, ShipmentPush};
use crate::db::shipments::{self, ShipmentRecord, ShipmentView};
use crate::db::{DbError, bindings, orders};
use crate::domain::shipment::{
    NewShipment, ShipmentInput, ShipmentLineInput, ShipmentSource, ShipmentState,
};
use crate::domain::tracking_csv::{RowError, TrackingRow, parse_tracking_csv};
use crate::domain::{FieldError, FieldErrors};

/// What a tracking CSV upload did: valid groups recorded, bad rows reported by line.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct TrackingReport {
    pub shipments_recorded: usize,
    pub lines_recorded: usize,
    pub errors: Vec<RowError>,
}

impl App {
    /// Records a shipment on a purchase order and queues its push. `vendor_id` restricts it to
    /// that vendor's purchase orders (another vendor's is "not found", as in the vendor API).
    pub async fn record_shipment(
        &self,
        purchase_order_id: i64,
        vendor_id: Option<i64>,
        source: ShipmentSource,
        input: &ShipmentInput,
    ) -> Result<ShipmentView, AppError> {
        let mut tx = self.db.begin().await?;
        let id = record_in(&mut tx, purchase_order_id, vendor_id, source, input).await?;
        // Units shipped stay allocated until the vendor's next stock report (see
        // `db::inventory::allocated`), so this push usually finds nothing to send; it is what
        // republishes at once when that report came in meanwhile.
        let store_id = shipments::store_of(&mut tx, id).await?;
        crate::db::inventory::changes::mark_shipment(&mut tx, id).await?;
        InventoryPush::of_changes(store_id).enqueue(&mut tx).await?;
        let view = shipments::get(&mut tx, id)
            .await?
            .ok_or_else(|| DbError::Corrupt(format!("shipment {id} vanished")))?;
        tx.commit().await.map_err(DbError::from)?;
        self.wake_workers();
        Ok(view)
    }

    /// Records the shipments of a tracking CSV (order, SKU, quantity, tracking number, carrier):
    /// rows with the same order and tracking number are one shipment per purchase order. Every
    /// valid group is kept; each bad row is reported with its line.
    pub async fn import_tracking_csv(
        &self,
        store_id: i64,
        vendor_id: Option<i64>,
        text: &str,
    ) -> Result<TrackingReport, AppError> {
        let upload = parse_tracking_csv(text)
            .map_err(|m| AppError::Invalid(FieldErrors(vec![FieldError::new("file", m)])))?;
        let mut report = TrackingReport {
            errors: upload.errors,
            ..TrackingReport::default()
        };
        let mut groups: BTreeMap<(i64, String), Vec<TrackingRow>> = BTreeMap::new();
        for row in upload.rows {
            groups
                .entry((row.order_number, row.tracking_number.clone()))
                .or_default()
                .push(row);
        }
        for ((order_number, _), rows) in groups {
            self.record_tracking_group(store_id, vendor_id, order_number, rows, &mut report)
                .await?;
        }
        report.errors.sort_by_key(|e| e.line);
        Ok(report)
    }

    async fn record_tracking_group(
        &self,
        store_id: i64,
        vendor_id: Option<i64>,
        order_number: i64,
        rows: Vec<TrackingRow>,
        report: &mut TrackingReport,
    ) -> Result<(), AppError> {
        let not_found = |report: &mut TrackingReport, rows: &[TrackingRow]| {
            for row in rows {
                report.errors.push(RowError {
                    line: row.line,
                    message: format!("order: no order {order_number} in this store"),
                });
            }
        };
        let mut conn = self.db.pool().acquire().await.map_err(DbError::from)?;
        let Some(order_id) = bindings::local_id(&mut conn, store_id, "order", order_number).await?
        else {
            not_found(report, &rows);
            return Ok(());
        };
        drop(conn);
        let purchase_orders =
            orders::purchase_orders(&self.db, Some(order_id), vendor_id, false).await?;
        // A vendor learns nothing of orders that are not theirs: an order without one of its
        // purchase orders reads exactly like one that does not exist.
        if vendor_id.is_some() && purchase_orders.is_empty() {
            not_found(report, &rows);
            return Ok(());
        }
        let mut by_purchase_order: BTreeMap<i64, Vec<TrackingRow>> = BTreeMap::new();
        for row in rows {
            let holder = purchase_orders.iter().find(|po| {
                po.lines.iter().any(|l| {
                    l.sku
                        .as_deref()
                        .is_some_and(|s| s.eq_ignore_ascii_case(&row.sku))
                })
            });
            match holder {
                Some(po) => by_purchase_order.entry(po.id).or_default().push(row),
                None => report.errors.push(RowError {
                    line: row.line,
                    message: format!(
                        "sku: {} is not on a purchase order of order {order_number}{}",
                        row.sku,
                        if vendor_id.is_some() { " of yours" } else { "" }
                    ),
                }),
            }
        }
        for (purchase_order_id, rows) in by_purchase_order {
            let first = &rows[0];
            let input = ShipmentInput {
                tracking_number: first.tracking_number.clone(),
                carrier: first.carrier.clone(),
                tracking_url: first.tracking_url.clone(),
                shipping_method: first.shipping_method.clone(),
                lines: rows
                    .iter()
                    .map(|r| ShipmentLineInput {
                        line_id: None,
                        sku: Some(r.sku.clone()),
                        quantity: r.quantity,
                    })
                    .collect(),
            };
            match self
                .record_shipment(purchase_order_id, vendor_id, ShipmentSource::Csv, &input)
                .await
            {
                Ok(_) => {
                    report.shipments_recorded += 1;
                    report.lines_recorded += rows.len();
                }
                Err(AppError::Invalid(fields)) => {
                    let message = fields.to_string().replace('\n', "; ");
                    for row in &rows {
                        report.errors.push(RowError {
                            line: row.line,
                            message: message.clone(),
                        });
                    }
                }
                Err(AppError::Conflict(message)) => {
                    for row in &rows {
                        report.errors.push(RowError {
                            line: row.line,
                            message: message.clone(),
                        });
                    }
                }
                Err(other) => return Err(other),
            }
        }
        Ok(())
    }

    /// Puts a failed or held shipment back in line for its push (the Retry button; for a held
    /// shipment, "push anyway").
    pub async fn retry_shipment(&self, shipment_id: i64) -> Result<ShipmentView, AppError> {
        let mut tx = self.db.begin().await?;
        let view =
            shipments::get(&mut tx, shipment_id)
                .await?
                .ok_or_else(|| AppError::NotFound {
                    what: "shipment",
                    id: shipment_id.to_string(),
                })?;
        if !shipments::release(&mut tx, shipment_id).await? {
            return Err(AppError::Conflict(format!(
                "Shipment {shipment_id} is {}: only a failed or held shipment can be retried",
                view.state
            )));
        }
        ShipmentPush { shipment_id }.enqueue(&mut tx).await?;
        orders::record_event(
            &mut tx,
            view.order_id,
            "shipment",
            &format!(
                "Shipment {} queued again for BigCommerce",
                view.tracking_number
            ),
        )
        .await?;
        let view = shipments::get(&mut tx, shipment_id)
            .await?
            .expect("read above");
        tx.commit().await.map_err(DbError::from)?;
        self.wake_workers();
        Ok(view)
    }

    pub async fn shipment(&self, shipment_id: i64) -> Result<ShipmentView, AppError> {
        let mut conn = self.db.pool().acquire().await.map_err(DbError::from)?;
        shipments::get(&mut conn, shipment_id)
            .await?
            .ok_or_else(|| AppError::NotFound {
                what: "shipment",
                id: shipment_id.to_string(),
            })
    }

    /// The order a purchase order belongs to.
    pub async fn order_of_purchase_order(&self, purchase_order_id: i64) -> Result<i64, AppError> {
        let mut conn = self.db.pool().acquire().await.map_err(DbError::from)?;
        orders::order_of_purchase_order(&mut conn, purchase_order_id)
            .await?
            .ok_or_else(|| AppError::NotFound {
                what: "purchase order",
                id: purchase_order_id.to_string(),
            })
    }

    pub async fn order_shipments(&self, order_id: i64) -> Result<Vec<ShipmentView>, AppError> {
        let mut conn = self.db.pool().acquire().await.map_err(DbError::from)?;
        Ok(shipments::list(&mut conn, Some(order_id), None).await?)
    }
}

/// Checks and records a shipment inside the caller's transaction; queues its push. A
/// shipment from the vendor's own store is taken on a cancelled purchase order too: the vendor
/// shipped anyway, and the push holds it, flagged "shipped after cancellation".
pub(crate) async fn record_in(
    tx: &mut AnyConnection,
    purchase_order_id: i64,
    vendor_id: Option<i64>,
    source: ShipmentSource,
    input: &ShipmentInput,
) -> Result<i64, AppError> {
    let not_found = || AppError::NotFound {
        what: "purchase order",
        id: purchase_order_id.to_string(),
    };
    let (order_id, owner, status) = shipments::lock_purchase_order(tx, purchase_order_id)
        .await?
        .ok_or_else(not_found)?;
    if vendor_id.is_some_and(|v| v != owner) {
        return Err(not_found());
    }
    if status == "cancelled" && source != ShipmentSource::VendorStore {
        return Err(AppError::Conflict(format!(
            "Purchase order {purchase_order_id} is cancelled (its order was cancelled in BigCommerce): it takes no shipments"
        )));
    }
    let open_lines = shipments::shippable_lines(tx, purchase_order_id).await?;
    let shipment = NewShipment::parse(input, &open_lines).map_err(AppError::Invalid)?;
    let id = shipments::insert(
        tx,
        &ShipmentRecord {
            order_id,
            purchase_order_id: Some(purchase_order_id),
            source,
            tracking_number: &shipment.tracking_number,
            carrier: shipment.carrier.display_name(),
            carrier_slug: shipment.carrier.slug(),
            tracking_url: shipment.tracking_url.as_deref(),
            shipping_method: shipment.shipping_method.as_deref(),
            state: ShipmentState::Pending,
            shipped_after_cancellation: false,
            lines: &shipment.lines,
        },
    )
    .await?;
    ShipmentPush { shipment_id: id }.enqueue(tx).await?;
    let items: i64 = shipment.lines.iter().map(|(_, q)| q).sum();
    let mut message = format!(
        "Shipment recorded ({}): {} {}, {items} item(s)",
        source.as_str().replace('_', " "),
        shipment.carrier.display_name(),
        shipment.tracking_number
    );
    if !shipment.carrier.is_known() {
        message.push_str(" — unknown carrier: sent with the tracking number and link only");
    }
    orders::record_event(tx, order_id, "shipment", &message).await?;
    Ok(id)
}
