//! Inventory out: vendors report stock (vendor API, CSV upload, feeds); wharf publishes to each
//! store what can really be sold — the formula in `domain::inventory` — pushing only what
//! changed since BigCommerce last confirmed it, zeros first, one push in flight per store; and a
//! drift check compares BigCommerce's levels with what wharf confirmed and repairs them. Every
//! change marks the SKUs whose levels it may move (`db::inventory::changes`), in its own
//! transaction, so a push works out only those items' levels (`desired.rs`).

mod desired;
mod drift;
mod feeds;
mod intake;
pub mod items;
pub mod levels;
mod outbox;
mod push;
pub mod reported;
pub mod routed;
mod staleness;

use serde::{Deserialize, Serialize};

/// Items a full push works out together unless `App::inventory_push_chunk` says otherwise:
/// each chunk costs a few statements, and its rows, allocations and confirmations are all a
/// push holds at once. Defined here, not in `desired`, so that naming it from outside does not
/// make this module depend on its children (the architecture test's circle).
pub const ITEMS_PER_CHUNK: usize = 1_000;

use crate::db::inventory as stock;
use crate::domain::inventory::ItemKind;
use crate::domain::stock_csv::ColumnMapping;

/// Items one vendor API call may set.
pub const MAX_STOCK_ITEMS_PER_CALL: usize = 10_000;

/// Unmatched SKU rows kept per vendor unless `WHARF_UNMATCHED_SKUS_PER_VENDOR` says otherwise.
pub const DEFAULT_UNMATCHED_SKUS_PER_VENDOR: i64 = 10_000;

/// Unmatched SKUs a list shows (the count is always whole).
pub const UNMATCHED_SHOWN: i64 = 1_000;

/// A stock feed to add: the URL of a CSV, how often to fetch it, and its columns.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct FeedInput {
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub interval_secs: Option<i64>,
    #[serde(default)]
    pub mapping: Option<ColumnMapping>,
}

/// A change to a stock feed: what is absent stays as it is.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct FeedEdit {
    /// A new URL; absent or empty keeps the stored one.
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub interval_secs: Option<i64>,
    #[serde(default)]
    pub mapping: Option<ColumnMapping>,
}

/// How a vendor's stock is taken: buffer, staleness, SKU matching.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct StockTermsInput {
    #[serde(default)]
    pub buffer: i64,
    /// Stock older than this publishes 0; absent or 0: never stale.
    #[serde(default)]
    pub stale_after_secs: Option<i64>,
    #[serde(default)]
    pub case_insensitive: bool,
    #[serde(default)]
    pub strip_prefix: Option<String>,
}

/// Absolute stock levels a vendor sends.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct StockInput {
    #[serde(default)]
    pub items: Vec<StockItemInput>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct StockItemInput {
    #[serde(default)]
    pub sku: String,
    #[serde(default)]
    pub quantity: i64,
    /// The vendor's warehouse code; `main` when absent.
    #[serde(default)]
    pub warehouse: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct StockReport {
    pub applied: usize,
    /// Applied SKUs whose orders go to another vendor: kept, not published.
    pub not_routed: Vec<NotRouted>,
    /// Set when the cap on unmatched SKUs dropped the vendor's oldest ones.
    pub unmatched_capped: Option<UnmatchedCapped>,
}

/// What a stock file did: valid rows applied, each bad row reported with its line.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct StockImportReport {
    pub applied: usize,
    pub errors: Vec<crate::domain::tracking_csv::RowError>,
    /// Applied SKUs whose orders go to another vendor: kept, not published.
    pub not_routed: Vec<NotRouted>,
    /// Set when the cap on unmatched SKUs dropped the vendor's oldest ones.
    pub unmatched_capped: Option<UnmatchedCapped>,
}

/// A reported SKU whose item the routing rules send to another vendor. Its stock is kept (a
/// rule change can make it count) but not published.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NotRouted {
    pub sku: String,
    pub message: String,
}

/// The vendor holds more SKUs that match no store item than the cap: its oldest went.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnmatchedCapped {
    /// Unmatched SKU rows kept per vendor.
    pub cap: i64,
    /// Rows deleted by this report, the oldest first.
    pub dropped: u64,
    pub message: String,
}

/// How many of a vendor's reported SKUs match no store item, and the first of them.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct UnmatchedSummary {
    pub count: i64,
    /// The first ones in SKU order.
    pub first: Vec<String>,
}

/// What one push did.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct PushReport {
    /// Item levels BigCommerce confirmed.
    pub pushed: usize,
    /// Items BigCommerce refused (flagged with its message).
    pub refused: usize,
    pub requests: usize,
    /// Another push of this store was in flight; this one waits.
    pub busy: bool,
    /// Milliseconds spent awaiting BigCommerce's answers (and its rate limit): the rest of the
    /// push's time is wharf's own work.
    pub waited_ms: u64,
}

/// What one drift check found.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct DriftReport {
    pub items_checked: usize,
    pub differences: usize,
    pub requests: usize,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RefusedItem {
    pub kind: ItemKind,
    pub sku: String,
    pub location_id: i64,
    pub error: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InventoryView {
    pub store_id: i64,
    /// Item levels wharf has published (or tried to).
    pub published: usize,
    pub refused: Vec<RefusedItem>,
    pub drift: Vec<stock::Drift>,
}
