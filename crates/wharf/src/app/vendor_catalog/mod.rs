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

pub use lookup::{MATCHES_PAGE_SIZE, MatchCounts, MatchItem, MatchesPage, VendorVariantRef};

/// What wharf needs of a vendor's store to read it: which store, how SKUs match, which stock
/// counts.
#[derive(Debug, Clone)]
pub(crate) struct VendorStoreLink {
    pub store_id: i64,
    pub matching: SkuMatching,
    pub reading: LevelReading,
    /// Off (the vendor store paused): its catalog is read and matched, its stock not taken.
    pub takes_stock: bool,
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
