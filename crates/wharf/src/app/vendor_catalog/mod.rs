//! A vendor's own BigCommerce store as a source: its catalog read (never written), its variants
//! matched to the merchant's items (`domain::vendor_match`), and its levels reported as the
//! vendor's stock through the feeds' intake (`record_stock`: buffers, staleness and the
//! routed-to-you rule apply). `read.rs` is the full read, `stock.rs` the levels reads (a
//! webhook's product, the cheaper drift read), `lookup.rs` what purchase orders and the match
//! lists ask of the stored match.

mod link;
mod lookup;
mod read;
mod stock;

use serde::Serialize;

use crate::channels::bigcommerce::vendor_catalog::LevelReading;
use crate::domain::inventory::SkuMatching;
use crate::domain::vendor_match::{MatchState, MatchedBy};

pub use lookup::{MATCHES_PAGE_SIZE, MatchCounts, MatchItem, MatchesPage};

/// What wharf needs of a vendor's store to read it: which store, how SKUs match, which stock
/// counts.
#[derive(Debug, Clone)]
pub(crate) struct VendorStoreLink {
    pub store_id: i64,
    pub matching: SkuMatching,
    pub reading: LevelReading,
}

/// What a purchase order line needs of the vendor's store for one merchant SKU.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct VendorVariantRef {
    pub state: MatchState,
    /// The vendor store's product and variant; set only when matched.
    pub product_id: Option<i64>,
    pub variant_id: Option<i64>,
    /// The vendor's store sells it (its product is not disabled, nor its purchasing); false
    /// when not matched.
    pub purchasable: bool,
    pub matched_by: Option<MatchedBy>,
    /// Why, in words.
    pub reason: String,
}

/// What a full read of the vendor's store found.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct CatalogReadReport {
    /// Variants read from the vendor's store.
    pub variants: usize,
    pub matched: usize,
    pub unmatched: usize,
    pub ambiguous: usize,
    /// Merchant SKUs whose stock was reported as the vendor's.
    pub stock_reported: usize,
}
