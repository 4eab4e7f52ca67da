//! What a webhook delivery from a vendor's own store sets off. Such a store's orders are the
//! purchase orders wharf sent, never merchant orders: the sales-store jobs (`OrderFetch`,
//! `ShipmentImport`) are never queued for it.

use super::App;
use crate::channels::bigcommerce::webhooks::Hint;
use crate::db::DbError;

impl App {
    /// Queues, in the delivery's transaction, what the hint calls for in the vendor's store.
    pub(crate) async fn on_vendor_store_hint(
        &self,
        _tx: &mut sqlx::AnyConnection,
        _store_id: i64,
        _vendor_id: i64,
        hint: Hint,
    ) -> Result<(), DbError> {
        match hint {
            // Filled by the catalog/stock engineer: re-read the variant's level.
            Hint::Inventory { .. } => {}
            // Filled by the orders engineer: the vendor's order changed.
            Hint::Order { .. } => {}
            // Filled by the orders engineer: the vendor shipped.
            Hint::ShipmentCreated { .. } => {}
            // Filled by the orders engineer: a shipment was deleted or changed.
            Hint::ShipmentsChanged { .. } => {}
            Hint::Other => {}
        }
        Ok(())
    }
}
