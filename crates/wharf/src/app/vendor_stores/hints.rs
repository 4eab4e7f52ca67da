//! What a webhook delivery from a vendor's own store sets off. Such a store's orders are the
//! purchase orders wharf sent, never merchant orders: the sales-store jobs (`OrderFetch`,
//! `ShipmentImport`) are never queued for it.

use super::App;
use crate::app::jobs::VendorStockRead;
use crate::channels::bigcommerce::webhooks::Hint;
use crate::db::DbError;

impl App {
    /// Queues, in the delivery's transaction, what the hint calls for in the vendor's store.
    pub(crate) async fn on_vendor_store_hint(
        &self,
        tx: &mut sqlx::AnyConnection,
        store_id: i64,
        vendor_id: i64,
        hint: Hint,
    ) -> Result<(), DbError> {
        match hint {
            // The event's numbers are hints: the product's levels are read again (a SKU event
            // and its product's collapse into one read).
            Hint::Inventory { product_id, .. } => {
                VendorStockRead {
                    vendor_id,
                    product_id: Some(product_id as i64),
                }
                .enqueue(tx, store_id)
                .await?;
            }
            // The vendor's order changed, or the vendor shipped on it: read its shipments
            // (one of wharf's vendor orders only; the read records each new one once).
            Hint::Order { order_id }
            | Hint::ShipmentCreated { order_id, .. }
            | Hint::ShipmentsChanged { order_id } => {
                crate::app::vendor_store_orders::queue_shipments_read(tx, store_id, order_id)
                    .await?;
            }
            Hint::Other => {}
        }
        Ok(())
    }
}
