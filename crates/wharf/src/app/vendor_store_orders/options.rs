//! What the send needs from the vendor store's settings and catalog match, in its own terms.

use std::collections::HashMap;

use crate::app::App;
use crate::app::error::SyncError;
use crate::db::DbError;
use crate::domain::vendor_match::MatchState;

/// The vendor's options for orders in its store (Onport's order settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VendorOrderOptions {
    pub order_status_id: i64,
    pub include_customer_contact: bool,
    pub send_customer_emails: bool,
}

/// Where a merchant SKU stands with the vendor's store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineMatch {
    /// The vendor's (product id, variant id).
    Matched(i64, i64),
    Ambiguous,
    Unmatched,
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

    /// Each SKU's vendor variant by the catalog match. Whether the vendor's store sells it is
    /// left to the store: its refusal carries its own words, and the match may be older than
    /// the operator's fix.
    pub(super) async fn vendor_line_matches(
        &self,
        vendor_id: i64,
        skus: &[String],
    ) -> Result<HashMap<String, LineMatch>, SyncError> {
        let refs = self.vendor_variants_for_lines(vendor_id, skus).await?;
        Ok(refs
            .into_iter()
            .map(|(sku, r)| {
                let line = match (r.state, r.product_id, r.variant_id) {
                    (MatchState::Matched, Some(p), Some(v)) => LineMatch::Matched(p, v),
                    (MatchState::Ambiguous, _, _) => LineMatch::Ambiguous,
                    _ => LineMatch::Unmatched,
                };
                (sku, line)
            })
            .collect())
    }
}
