//! What the send needs from the vendor store's connection and catalog match.

use std::collections::HashMap;

use crate::app::App;
use crate::app::error::SyncError;
use crate::db::DbError;

/// The vendor's options for orders in its store (Onport's order settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VendorOrderOptions {
    pub order_status_id: i64,
    pub include_customer_contact: bool,
    pub send_customer_emails: bool,
}

/// A merchant SKU's vendor variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineMatch {
    pub product_id: i64,
    pub variant_id: i64,
    pub matched: bool,
    pub ambiguous: bool,
}

impl LineMatch {
    pub fn is_matched(&self) -> bool {
        self.matched
    }
    pub fn is_ambiguous(&self) -> bool {
        self.ambiguous
    }
}

impl App {
    pub(super) async fn vendor_store_order_options(
        &self,
        vendor_id: i64,
    ) -> Result<VendorOrderOptions, SyncError> {
        let mut conn = self.db.pool().acquire().await.map_err(DbError::from)?;
        let settings = crate::db::vendor_store_settings::get(&mut conn, vendor_id).await?;
        Ok(VendorOrderOptions {
            order_status_id: settings.order_status_id,
            include_customer_contact: settings.include_customer_contact,
            send_customer_emails: settings.send_customer_emails,
        })
    }

    pub(super) async fn vendor_line_matches(
        &self,
        _vendor_id: i64,
        _skus: &[String],
    ) -> Result<HashMap<String, LineMatch>, SyncError> {
        // TODO(catalog-1): vendor_variants_for_lines.
        Ok(HashMap::new())
    }
}
