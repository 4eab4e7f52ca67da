//! Which store is a vendor's, and how it is read: the vendor store's settings.

use super::VendorStoreLink;
use crate::app::App;
use crate::app::error::AppError;

impl App {
    pub(crate) async fn vendor_store_link(
        &self,
        vendor_id: i64,
    ) -> Result<VendorStoreLink, AppError> {
        Err(AppError::not_found("vendor store", vendor_id))
    }
}
