//! Which store is a vendor's, and how it is read: the vendor store's settings.

use bigcommerce::StoreClient;

use super::VendorStoreLink;
use crate::app::App;
use crate::app::error::AppError;
use crate::channels::bigcommerce::vendor_catalog::LevelReading;

impl App {
    /// The vendor's store and its settings: `NotFound` for an unknown vendor or one without a
    /// store.
    pub(crate) async fn vendor_store_link(
        &self,
        vendor_id: i64,
    ) -> Result<VendorStoreLink, AppError> {
        let store = self
            .vendor_store(vendor_id)
            .await?
            .ok_or_else(|| AppError::not_found("vendor store", vendor_id))?;
        Ok(VendorStoreLink {
            store_id: store.store_id,
            matching: store.settings.sku_matching.clone(),
            reading: match store.settings.stock_location_id {
                Some(location) => LevelReading::AtLocation(location),
                None => LevelReading::SummedOverLocations,
            },
            takes_stock: store.settings.active,
        })
    }

    pub(super) async fn vendor_link_and_client(
        &self,
        vendor_id: i64,
    ) -> Result<(VendorStoreLink, StoreClient), AppError> {
        let link = self.vendor_store_link(vendor_id).await?;
        let (_, client) = self.vendor_store_client(vendor_id).await?;
        Ok((link, client))
    }
}
