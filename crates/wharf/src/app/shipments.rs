//! Shipments out: recording what vendors shipped (vendor API, operator form, CSV), pushing each
//! to BigCommerce exactly once, and importing shipments made in BigCommerce by anyone else.
//!
//! Exactly once, without an idempotency key: a part is recorded before anything is sent, marked
//! `sending` (committed) before its POST, and bound to the BigCommerce shipment once it is known
//! to exist. A part that was ever sent is looked for among the order's shipments (same address,
//! tracking number and items, not bound to another part) before it is sent again, whether the
//! first attempt timed out, lost its response or died with its process.

use std::collections::BTreeMap;

use bigcommerce::{BcError, StoreClient};
use serde::Serialize;
use sqlx::AnyConnection;

use super::App;
use super::error::AppError;
use super::jobs::{InventoryPush, ShipmentImport, ShipmentPush};
use super::orders::Source;
use crate::app::error::SyncError;
use crate::channels::bigcommerce::orders::read_order;
use crate::channels::bigcommerce::shipments::{
    OutgoingShipment, RemoteShipment, create_shipment, read_shipments,
};
use crate::db::shipments::{
    self, Part, PartState, PushPlan, ShipmentRecord, ShipmentState, ShipmentView,
};
use crate::db::{DbError, bindings, jobs, orders};
use crate::domain::carrier::{CarrierChoice, normalise_carrier};
use crate::domain::shipment::{NewShipment, ShipmentInput, ShipmentLineInput, ShipmentSource};
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
        InventoryPush::of_changes(store_id)
            .enqueue(&mut tx, self.inventory_push_delay)
            .await?;
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
        let mut conn = self.db.pool().acquire().await.map_err(DbError::from)?;
        let Some(order_id) = bindings::local_id(&mut conn, store_id, "order", order_number).await?
        else {
            for row in &rows {
                report.errors.push(RowError {
                    line: row.line,
                    message: format!("order: no order {order_number} in this store"),
                });
            }
            return Ok(());
        };
        drop(conn);
        let purchase_orders =
            orders::purchase_orders(&self.db, Some(order_id), vendor_id, false).await?;
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

    /// Creates the shipment's missing parts in BigCommerce, then reads the order back so wharf
    /// shows what BigCommerce now says (items shipped, each line's quantity, the status). Each
    /// create is sent only while `lease` is still this run's (see [`jobs::JobLease`]).
    pub async fn push_shipment(
        &self,
        shipment_id: i64,
        lease: &jobs::JobLease,
    ) -> Result<(), SyncError> {
        let mut conn = self.db.pool().acquire().await.map_err(DbError::from)?;
        let Some(plan) = shipments::push_plan(&mut conn, shipment_id).await? else {
            return Ok(());
        };
        drop(conn);
        if plan.state != ShipmentState::Pending.as_str() {
            return Ok(());
        }
        if plan.order_cancelled && !plan.shipped_after_cancellation {
            return Ok(self.hold_after_cancellation(&plan).await?);
        }
        let client = self.client_for(plan.store_id).await?;
        let mut pusher = Pusher {
            app: self,
            client: &client,
            lease,
            plan,
            order_refreshed: false,
            remote: None,
        };
        let open: Vec<i64> = pusher
            .plan
            .parts
            .iter()
            .filter(|p| matches!(p.state, PartState::Pending | PartState::Sending))
            .map(|p| p.id)
            .collect();
        for part_id in open {
            pusher.push_part(part_id).await?;
        }
        let plan = pusher.plan;
        // Read back what BigCommerce made of it: status, items shipped, each line's quantity.
        if let Some(order) = read_order(&client, plan.order_external_id as u64).await? {
            let policy = self.store_policy(plan.store_id).await?;
            let mut tx = self.db.begin().await?;
            self.store_order(
                &mut tx,
                plan.store_id,
                &order,
                Source::ShipmentReadBack,
                &policy,
            )
            .await?;
            tx.commit().await?;
        }
        let mut tx = self.db.begin().await?;
        let state = shipments::settle_state(&mut tx, shipment_id).await?;
        let message = match state {
            ShipmentState::Pushed => format!(
                "Shipment {} ({}) is in BigCommerce",
                plan.tracking_number, plan.carrier
            ),
            ShipmentState::Failed => format!(
                "BigCommerce refused shipment {}: see the shipment's error",
                plan.tracking_number
            ),
            _ => String::new(),
        };
        if !message.is_empty() {
            orders::record_event(&mut tx, plan.order_id, "shipment", &message).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn hold_after_cancellation(&self, plan: &PushPlan) -> Result<(), DbError> {
        let mut tx = self.db.begin().await?;
        shipments::flag_shipped_after_cancellation(&mut tx, plan.shipment_id).await?;
        shipments::set_state(&mut tx, plan.shipment_id, ShipmentState::Held, None).await?;
        let message = format!(
            "Shipment {} arrived after the order was cancelled: kept and flagged, not sent to BigCommerce",
            plan.tracking_number
        );
        orders::record_event(
            &mut tx,
            plan.order_id,
            "shipped_after_cancellation",
            &message,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Reads the order's shipments from BigCommerce and reconciles: wharf's own parts whose
    /// answer was lost are bound, shipments made by anyone else are imported, shipments deleted
    /// in BigCommerce are marked so.
    pub(crate) async fn import_shipments(&self, job: &ShipmentImport) -> Result<(), SyncError> {
        let mut conn = self.db.pool().acquire().await.map_err(DbError::from)?;
        let Some(order_id) =
            bindings::local_id(&mut conn, job.store_id, "order", job.order_id as i64).await?
        else {
            // Not read yet: storing it (webhook fetch or poll) notices its shipments.
            return Ok(());
        };
        let nothing_new = match job.created_shipment_id {
            // The echo of wharf's own push, already bound.
            Some(id) => bindings::local_id(&mut conn, job.store_id, shipments::PART, id as i64)
                .await?
                .is_some(),
            None if job.always_read => false,
            // The poll's hint: BigCommerce's items_shipped differed from what wharf knew. If
            // they agree by now (a push finished meanwhile), there is nothing to read.
            None => {
                orders::items_shipped(&mut conn, order_id).await?
                    == shipments::items_known_shipped(&mut conn, order_id).await?
            }
        };
        if nothing_new {
            return Ok(());
        }
        // Taken before BigCommerce's list is read: a part bound after this was bound after the
        // read began, so the list may not show it.
        let bound_before_read = bindings::latest_id(&mut conn).await?;
        drop(conn);
        let client = self.client_for(job.store_id).await?;
        let remote = read_shipments(&client, job.order_id as i64).await?;
        let mut tx = self.db.begin().await?;
        reconcile_order_shipments(&mut tx, job.store_id, order_id, &remote, bound_before_read)
            .await?;
        // Shipped elsewhere (the merchant's own stock, say): no longer allocated to a vendor.
        InventoryPush::of_changes(job.store_id)
            .enqueue(&mut tx, self.inventory_push_delay)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Checks and records a shipment inside the caller's transaction; queues its push.
async fn record_in(
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
    if status == "cancelled" {
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

fn carrier_of(plan: &PushPlan) -> CarrierChoice {
    normalise_carrier(&plan.carrier)
        .unwrap_or_else(|_| CarrierChoice::Unknown(plan.carrier.clone()))
}

/// The BigCommerce shipment a part stands for, with what is left to send of each line.
fn outgoing(plan: &PushPlan, part: &Part) -> OutgoingShipment {
    OutgoingShipment {
        address_external_id: part.address_external_id,
        items: part
            .lines
            .iter()
            .filter(|l| l.to_send() > 0)
            .map(|l| (l.order_product_external_id, l.to_send()))
            .collect(),
        tracking_number: plan.tracking_number.clone(),
        carrier: carrier_of(plan),
        tracking_url: plan.tracking_url.clone(),
        shipping_method: plan.shipping_method.clone(),
    }
}

/// One push job's work on one shipment.
struct Pusher<'a> {
    app: &'a App,
    client: &'a StoreClient,
    lease: &'a jobs::JobLease,
    plan: PushPlan,
    /// The order was re-read after BigCommerce refused a part (done at most once per job).
    order_refreshed: bool,
    /// The order's shipments in BigCommerce, read at most once per job.
    remote: Option<Vec<RemoteShipment>>,
}

impl Pusher<'_> {
    fn part(&self, part_id: i64) -> &Part {
        self.plan
            .parts
            .iter()
            .find(|p| p.id == part_id)
            .expect("a part of this plan")
    }

    async fn reload(&mut self) -> Result<(), DbError> {
        let mut conn = self.app.db.pool().acquire().await?;
        if let Some(plan) = shipments::push_plan(&mut conn, self.plan.shipment_id).await? {
            self.plan = plan;
        }
        Ok(())
    }

    async fn push_part(&mut self, part_id: i64) -> Result<(), SyncError> {
        // Ever sent: it may be in BigCommerce already, whatever became of the answer.
        if self.part(part_id).attempts > 0 && self.find_sent(part_id).await? {
            return Ok(());
        }
        loop {
            self.hold_back_already_shipped(part_id).await?;
            let part = self.part(part_id);
            let shipment = outgoing(&self.plan, part);
            if shipment.items.is_empty() {
                let mut conn = self.app.db.pool().acquire().await.map_err(DbError::from)?;
                shipments::settle_unsent_part(&mut conn, part_id, PartState::Skipped, None).await?;
                return Ok(());
            }
            // A worker presumed dead must not send what its successor sends too.
            if !self.lease.renew(&self.app.db).await? {
                let lost = "the job was taken over by another worker, which sends the shipment";
                return Err(DbError::Conflict(lost.into()).into());
            }
            {
                let mut conn = self.app.db.pool().acquire().await.map_err(DbError::from)?;
                if !shipments::mark_sending(&mut conn, part_id).await? {
                    return Ok(());
                }
            }
            match create_shipment(self.client, self.plan.order_external_id, &shipment).await {
                Ok(created) => {
                    self.bind(part_id, created.external_id).await?;
                    self.app
                        .record_lag("shipments", self.plan.created_at_ms)
                        .await;
                    return Ok(());
                }
                // Refused, so certainly not created. Maybe someone shipped some of it by hand
                // since wharf last read the order: read it once and try what is left.
                Err(refusal @ BcError::Validation { .. }) => {
                    // Shown as a whole: the request and every field BigCommerce named.
                    let message = refusal.to_string();
                    let mut conn = self.app.db.pool().acquire().await.map_err(DbError::from)?;
                    shipments::settle_unsent_part(&mut conn, part_id, PartState::Pending, None)
                        .await?;
                    drop(conn);
                    if !self.order_refreshed {
                        self.order_refreshed = true;
                        let before = outgoing(&self.plan, self.part(part_id)).items;
                        self.refresh_order().await?;
                        self.hold_back_already_shipped(part_id).await?;
                        if outgoing(&self.plan, self.part(part_id)).items != before {
                            continue;
                        }
                    }
                    let mut conn = self.app.db.pool().acquire().await.map_err(DbError::from)?;
                    shipments::settle_unsent_part(
                        &mut conn,
                        part_id,
                        PartState::Failed,
                        Some(&message),
                    )
                    .await?;
                    return Ok(());
                }
                // Definitely not applied: BigCommerce turned the request away at the door.
                Err(
                    e @ (BcError::Unauthorized { .. }
                    | BcError::Forbidden { .. }
                    | BcError::NotFound { .. }),
                ) => {
                    let mut conn = self.app.db.pool().acquire().await.map_err(DbError::from)?;
                    shipments::settle_unsent_part(
                        &mut conn,
                        part_id,
                        PartState::Failed,
                        Some(&e.to_string()),
                    )
                    .await?;
                    return Ok(());
                }
                // Maybe applied, maybe not: the part stays `sending`; the next attempt looks first.
                Err(e) if e.is_transient() => return Err(e.into()),
                // Applied, most likely, but unreadable: visible, and Retry looks before sending.
                Err(e) => {
                    let mut conn = self.app.db.pool().acquire().await.map_err(DbError::from)?;
                    let message = format!(
                        "{e} (Retry looks for the shipment in BigCommerce before sending again)"
                    );
                    shipments::settle_unsent_part(
                        &mut conn,
                        part_id,
                        PartState::Failed,
                        Some(&message),
                    )
                    .await?;
                    return Ok(());
                }
            }
        }
    }

    /// Looks for the part among the order's BigCommerce shipments; binds it when found.
    async fn find_sent(&mut self, part_id: i64) -> Result<bool, SyncError> {
        if self.remote.is_none() {
            self.remote = Some(read_shipments(self.client, self.plan.order_external_id).await?);
        }
        let remote = self.remote.as_ref().expect("read above");
        let ids: Vec<i64> = remote.iter().map(|r| r.external_id).collect();
        let mut conn = self.app.db.pool().acquire().await.map_err(DbError::from)?;
        let bound = shipments::bound_external_ids(&mut conn, self.plan.store_id, &ids).await?;
        drop(conn);
        let shipment = outgoing(&self.plan, self.part(part_id));
        let found = remote
            .iter()
            .find(|r| !bound.contains(&r.external_id) && r.is(&shipment))
            .map(|r| r.external_id);
        match found {
            Some(external_id) => {
                tracing::info!(
                    part_id,
                    external_id,
                    "shipment found in BigCommerce: not sent again"
                );
                self.bind(part_id, external_id).await?;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    async fn bind(&mut self, part_id: i64, external_id: i64) -> Result<(), DbError> {
        let mut tx = self.app.db.begin().await?;
        if !shipments::mark_created(&mut tx, self.plan.store_id, part_id, external_id).await? {
            let message =
                format!("BigCommerce shipment {external_id} is already bound to another shipment");
            shipments::settle_unsent_part(&mut tx, part_id, PartState::Failed, Some(&message))
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Takes out of an unsent part what BigCommerce (as last read) has shipped already, and
    /// reports it on the order: someone shipped it by hand, and it must not ship twice.
    async fn hold_back_already_shipped(&mut self, part_id: i64) -> Result<(), DbError> {
        let part = self.part(part_id);
        let mut held_back = Vec::new();
        for line in &part.lines {
            let room = (line.line_quantity - line.line_shipped_in_bigcommerce).max(0);
            if line.to_send() > room {
                held_back.push((
                    line.shipment_line_id,
                    line.quantity - room,
                    line.sku.clone(),
                ));
            }
        }
        if held_back.is_empty() {
            return Ok(());
        }
        let mut tx = self.app.db.begin().await?;
        // The shipment import may have bound the part since this push read it (an earlier
        // attempt's answer was lost): then what BigCommerce counts as shipped is this part,
        // and nothing is held back. The order lock orders this against the import.
        orders::lock_order(&mut tx, self.plan.order_id).await?;
        for (shipment_line_id, already, sku) in &held_back {
            if !shipments::set_already_shipped(&mut tx, part_id, *shipment_line_id, *already)
                .await?
            {
                continue;
            }
            let message = format!(
                "{} of SKU {} on shipment {} was already shipped in BigCommerce: not shipped twice",
                already,
                sku.as_deref().unwrap_or("(none)"),
                self.plan.tracking_number
            );
            orders::record_event(&mut tx, self.plan.order_id, "already_shipped", &message).await?;
        }
        tx.commit().await?;
        self.reload().await
    }

    async fn refresh_order(&mut self) -> Result<(), SyncError> {
        if let Some(order) = read_order(self.client, self.plan.order_external_id as u64).await? {
            let policy = self.app.store_policy(self.plan.store_id).await?;
            let mut tx = self.app.db.begin().await?;
            self.app
                .store_order(
                    &mut tx,
                    self.plan.store_id,
                    &order,
                    Source::ShipmentReadBack,
                    &policy,
                )
                .await?;
            tx.commit().await?;
        }
        Ok(self.reload().await?)
    }
}

/// Binds, imports and marks deleted, as [`App::import_shipments`] describes.
async fn reconcile_order_shipments(
    tx: &mut AnyConnection,
    store_id: i64,
    order_id: i64,
    remote: &[RemoteShipment],
    bound_before_read: i64,
) -> Result<(), DbError> {
    // A webhook's import and the poll's may run at once: one at a time per order, each seeing
    // what the other bound.
    orders::lock_order(tx, order_id).await?;
    let ids: Vec<i64> = remote.iter().map(|r| r.external_id).collect();
    let bound = shipments::bound_external_ids(tx, store_id, &ids).await?;
    let mut unsettled = Vec::new();
    for shipment_id in shipments::unsettled_shipments(tx, order_id).await? {
        if let Some(plan) = shipments::push_plan(tx, shipment_id).await? {
            unsettled.push(plan);
        }
    }
    let cancelled = orders::routing_state(tx, order_id).await?.as_deref() == Some("cancelled");
    for shipment in remote.iter().filter(|r| !bound.contains(&r.external_id)) {
        let ours = unsettled.iter().find_map(|plan| {
            plan.parts
                .iter()
                .filter(|p| matches!(p.state, PartState::Pending | PartState::Sending))
                .find(|p| shipment.is(&outgoing(plan, p)))
                .map(|p| (plan.shipment_id, p.id))
        });
        match ours {
            Some((shipment_id, part_id)) => {
                shipments::mark_created(tx, store_id, part_id, shipment.external_id).await?;
                shipments::settle_state(tx, shipment_id).await?;
            }
            None => import_one(tx, store_id, order_id, cancelled, shipment).await?,
        }
    }
    let present: std::collections::HashSet<i64> = ids.into_iter().collect();
    // The shipment keeps its state (it did ship); its deleted part no longer counts as shipped.
    // Only parts bound before the list was read: one a push bound since may have been created
    // after the read began, so the list may not show it, and its absence says nothing.
    for (part_id, _shipment_id, external_id) in
        shipments::created_parts(tx, order_id, bound_before_read).await?
    {
        if present.contains(&external_id) {
            continue;
        }
        shipments::set_part_state(tx, part_id, PartState::Deleted, None).await?;
        let message = format!("BigCommerce shipment {external_id} was deleted in BigCommerce");
        orders::record_event(tx, order_id, "shipment_deleted", &message).await?;
    }
    Ok(())
}

/// Records a shipment someone made in BigCommerce (the control panel, another app).
async fn import_one(
    tx: &mut AnyConnection,
    store_id: i64,
    order_id: i64,
    order_cancelled: bool,
    shipment: &RemoteShipment,
) -> Result<(), DbError> {
    let mut lines = Vec::with_capacity(shipment.items.len());
    for &(product_id, quantity) in &shipment.items {
        match shipments::local_line(tx, store_id, product_id).await? {
            Some(line_id) => lines.push((line_id, quantity)),
            None => {
                tracing::warn!(
                    store_id,
                    order_id,
                    product_id,
                    "a BigCommerce shipment names an order product wharf has not read; importing it at the next order read"
                );
                return Ok(());
            }
        }
    }
    if shipments::local_address(tx, store_id, shipment.address_external_id)
        .await?
        .is_none()
    {
        tracing::warn!(
            store_id,
            order_id,
            address = shipment.address_external_id,
            "a BigCommerce shipment names an address wharf has not read"
        );
        return Ok(());
    }
    let carrier = normalise_carrier(&shipment.carrier).ok();
    let purchase_order_id = match lines.first() {
        Some(&(line_id, _)) => orders::purchase_order_of_line(tx, line_id).await?,
        None => None,
    };
    let id = shipments::insert(
        tx,
        &ShipmentRecord {
            order_id,
            purchase_order_id,
            source: ShipmentSource::BigCommerce,
            tracking_number: &shipment.tracking_number,
            carrier: &shipment.carrier,
            carrier_slug: carrier.as_ref().and_then(CarrierChoice::slug),
            tracking_url: shipment.tracking_url.as_deref(),
            shipping_method: shipment.shipping_method.as_deref(),
            state: ShipmentState::Imported,
            shipped_after_cancellation: order_cancelled,
            lines: &lines,
        },
    )
    .await?;
    if !shipments::bind_imported_part(tx, store_id, id, shipment.external_id).await? {
        // Bound meanwhile by a push that heard back from BigCommerce after this
        // reconciliation read the bindings (pushes do not take the order lock): roll the
        // whole reconciliation back and let the job run again; it will find it bound.
        return Err(DbError::Conflict(format!(
            "BigCommerce shipment {} was bound while being imported",
            shipment.external_id
        )));
    }
    let items: i64 = lines.iter().map(|(_, q)| q).sum();
    let mut message = format!(
        "Shipment made in BigCommerce imported: {} {}, {items} item(s)",
        shipment.carrier, shipment.tracking_number
    );
    if order_cancelled {
        message.push_str(" — shipped after cancellation");
    }
    let kind = if order_cancelled {
        "shipped_after_cancellation"
    } else {
        "shipment"
    };
    orders::record_event(tx, order_id, kind, &message).await?;
    Ok(())
}
