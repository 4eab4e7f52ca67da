//! The vendor's shipments back: what the vendor ships on the order in its own store (seen by
//! its webhook, or by the reconciling poll) is recorded as the vendor's shipment in wharf —
//! through the same use case as the vendor API's — and so reaches the merchant's store through
//! the shipment push, exactly once. The vendor store's shipment id is the idempotency key:
//! a webhook and a poll seeing the same shipment record it once.

use std::collections::HashMap;

use crate::app::App;
use crate::app::error::{AppError, SyncError};
use crate::app::jobs::{VendorOrderPoll, VendorOrderShipments};
use crate::app::shipments::record_in;
use crate::channels::bigcommerce::shipments::{RemoteShipment, read_shipments};
use crate::channels::bigcommerce::vendor_orders::vendor_order_products;
use crate::db::vendor_orders::{self, VendorOrderRow};
use crate::db::{DbError, orders};
use crate::domain::shipment::{ShipmentInput, ShipmentLineInput, ShipmentSource};
use crate::domain::vendor_order::VendorOrderState;

/// The most shipments read of one vendor order: an order of a few lines ships in a few parts.
const MAX_SHIPMENTS_PER_ORDER: usize = 50;
/// The most vendor orders of one store the reconciling poll reads per run.
pub const POLL_BATCH: i64 = 25;

impl App {
    /// Reads the vendor order's shipments from the vendor's store and records each one wharf
    /// has not recorded yet.
    pub async fn import_vendor_store_shipments(
        &self,
        vendor_order_id: i64,
    ) -> Result<(), SyncError> {
        let mut conn = self.db.pool().acquire().await.map_err(DbError::from)?;
        let Some(row) = vendor_orders::get(&mut conn, vendor_order_id).await? else {
            return Ok(());
        };
        drop(conn);
        let Some(external_id) = row.external_id else {
            return Ok(());
        };
        if !matches!(
            row.state,
            VendorOrderState::Created | VendorOrderState::Cancelled
        ) {
            return Ok(());
        }
        let client = self.client_for(row.store_id).await?;
        let mut remote = read_shipments(&client, external_id).await?;
        remote.truncate(MAX_SHIPMENTS_PER_ORDER);
        let mut products = self.line_of_product(&row).await?;
        if remote
            .iter()
            .flat_map(|s| &s.items)
            .any(|(p, _)| !products.contains_key(p))
        {
            // Bound by a lookup, or the products never read: read them once and bind.
            self.bind_products(&row, &vendor_order_products(&client, external_id).await?)
                .await?;
            products = self.line_of_product(&row).await?;
        }
        for shipment in &remote {
            self.record_vendor_shipment(&row, shipment, &products)
                .await?;
        }
        let mut conn = self.db.pool().acquire().await.map_err(DbError::from)?;
        vendor_orders::mark_polled(&mut conn, row.id).await?;
        Ok(())
    }

    /// Queues the reconciling poll of every vendor store with orders that may still ship (the
    /// five-minute schedule).
    pub async fn queue_vendor_order_polls(&self) -> Result<(), DbError> {
        for store_id in vendor_orders::stores_with_open_orders(&self.db).await? {
            VendorOrderPoll { store_id }.enqueue(&self.db).await?;
        }
        Ok(())
    }

    /// The reconciling poll of one vendor store: queues the read of its open vendor orders'
    /// shipments, least recently read first, at most [`POLL_BATCH`] per run.
    pub async fn poll_vendor_store_orders(&self, store_id: i64) -> Result<(), SyncError> {
        let mut tx = self.db.begin().await?;
        for row in vendor_orders::open_for_poll(&mut tx, store_id, POLL_BATCH).await? {
            VendorOrderShipments {
                vendor_order_id: row.id,
            }
            .enqueue(&mut tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Order line of each vendor order product sent.
    async fn line_of_product(&self, row: &VendorOrderRow) -> Result<HashMap<i64, i64>, DbError> {
        let mut conn = self.db.pool().acquire().await?;
        Ok(vendor_orders::lines(&mut conn, row.id)
            .await?
            .into_iter()
            .filter_map(|l| l.external_product_id.map(|p| (p, l.order_line_id)))
            .collect())
    }

    async fn bind_products(
        &self,
        row: &VendorOrderRow,
        products: &[crate::channels::bigcommerce::vendor_orders::VendorOrderProduct],
    ) -> Result<(), DbError> {
        let mut tx = self.db.begin().await?;
        let lines = vendor_orders::lines(&mut tx, row.id).await?;
        let bound: Vec<i64> = lines.iter().filter_map(|l| l.external_product_id).collect();
        let mut taken = bound.clone();
        for line in lines
            .iter()
            .filter(|l| l.sent && l.external_product_id.is_none())
        {
            if let Some(p) = products.iter().find(|p| {
                !taken.contains(&p.order_product_id)
                    && Some(p.product_id) == line.vendor_product_id
                    && Some(p.variant_id) == line.vendor_variant_id
            }) {
                taken.push(p.order_product_id);
                vendor_orders::set_external_product(&mut tx, line.id, p.order_product_id).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records one vendor store shipment as the vendor's shipment, once.
    async fn record_vendor_shipment(
        &self,
        row: &VendorOrderRow,
        shipment: &RemoteShipment,
        products: &HashMap<i64, i64>,
    ) -> Result<(), SyncError> {
        let mut tx = self.db.begin().await?;
        if !vendor_orders::claim_vendor_shipment(&mut tx, row.id, shipment.external_id).await? {
            return Ok(());
        }
        let lines: Vec<ShipmentLineInput> = shipment
            .items
            .iter()
            .filter_map(|(product, quantity)| {
                products.get(product).map(|&line_id| ShipmentLineInput {
                    line_id: Some(line_id),
                    sku: None,
                    quantity: *quantity,
                })
            })
            .collect();
        let input = ShipmentInput {
            tracking_number: shipment.tracking_number.clone(),
            carrier: shipment.carrier.clone(),
            tracking_url: shipment.tracking_url.clone(),
            shipping_method: shipment.shipping_method.clone(),
            lines,
        };
        let order_id = orders::order_of_purchase_order(&mut tx, row.purchase_order_id)
            .await?
            .unwrap_or_default();
        match record_in(
            &mut tx,
            row.purchase_order_id,
            None,
            ShipmentSource::VendorStore,
            &input,
        )
        .await
        {
            Ok(shipment_id) => {
                vendor_orders::bind_vendor_shipment(
                    &mut tx,
                    row.id,
                    shipment.external_id,
                    shipment_id,
                )
                .await?;
            }
            // Kept claimed, so it is not read as new again: the operator sees why on the order.
            Err(AppError::Invalid(fields)) => {
                let message = format!(
                    "The vendor's shipment {} ({}) could not be recorded: {}",
                    shipment.tracking_number,
                    shipment.carrier,
                    fields.to_string().replace('\n', "; ")
                );
                orders::record_event(&mut tx, order_id, "vendor_shipment_failed", &message).await?;
            }
            Err(AppError::Conflict(why)) => {
                let message = format!(
                    "The vendor's shipment {} could not be recorded: {why}",
                    shipment.tracking_number
                );
                orders::record_event(&mut tx, order_id, "vendor_shipment_failed", &message).await?;
            }
            Err(other) => return Err(other.into()),
        }
        tx.commit().await?;
        self.wake_workers();
        Ok(())
    }
}
