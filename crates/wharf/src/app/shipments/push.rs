//! Pushing a shipment to BigCommerce, exactly once (ARCHITECTURE.md, *Shipments out*).

use bigcommerce::{BcError, StoreClient};

use crate::app::App;
use crate::app::error::SyncError;
use crate::app::orders::Source;
use crate::channels::bigcommerce::orders::read_order;
use crate::channels::bigcommerce::shipments::{
    OutgoingShipment, RemoteShipment, create_shipment, read_shipments,
};
use crate::db::shipments::{self, Part, PushPlan};
use crate::db::{DbError, jobs, orders};
use crate::domain::carrier::{CarrierChoice, normalise_carrier};
use crate::domain::shipment::{PartState, ShipmentState};

impl App {
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
        let client = self.sales_client_for(plan.store_id).await?;
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
}

fn carrier_of(plan: &PushPlan) -> CarrierChoice {
    normalise_carrier(&plan.carrier)
        .unwrap_or_else(|_| CarrierChoice::Unknown(plan.carrier.clone()))
}

/// The BigCommerce shipment a part stands for, with what is left to send of each line.
pub(super) fn outgoing(plan: &PushPlan, part: &Part) -> OutgoingShipment {
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
