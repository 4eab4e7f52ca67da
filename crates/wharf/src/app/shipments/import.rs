//! Importing an order's BigCommerce shipments: binding wharf's own whose answer was lost,
//! importing those made by anyone else, marking those deleted there.

use sqlx::AnyConnection;

use super::push::outgoing;
use crate::app::App;
use crate::app::error::SyncError;
use crate::app::jobs::{InventoryPush, ShipmentImport};
use crate::channels::bigcommerce::shipments::{RemoteShipment, read_shipments};
use crate::db::shipments::{self, ShipmentRecord};
use crate::db::{DbError, bindings, orders};
use crate::domain::carrier::{CarrierChoice, normalise_carrier};
use crate::domain::order::RoutingState;
use crate::domain::shipment::{PartState, ShipmentSource, ShipmentState};

impl App {
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
        let client = self.sales_client_for(job.store_id).await?;
        let remote = read_shipments(&client, job.order_id as i64).await?;
        let mut tx = self.db.begin().await?;
        reconcile_order_shipments(&mut tx, job.store_id, order_id, &remote, bound_before_read)
            .await?;
        // Shipped elsewhere (the merchant's own stock, say): no longer allocated to a vendor.
        crate::db::inventory::changes::mark_order(&mut tx, order_id).await?;
        InventoryPush::of_changes(job.store_id)
            .enqueue(&mut tx)
            .await?;
        tx.commit().await?;
        self.wake_workers();
        Ok(())
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
    let cancelled = orders::routing_state(tx, order_id).await? == Some(RoutingState::Cancelled);
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
