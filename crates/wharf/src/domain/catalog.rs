//! The store's catalog as wharf keeps it, and the rules of an import run.

use rust_decimal::Decimal;
use serde::Serialize;

/// Where a product's stock is counted, as BigCommerce tracks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InventoryTracking {
    /// Not tracked: always available.
    None,
    /// One level for the product, whatever the variant.
    Product,
    /// A level per variant.
    Variant,
}

impl InventoryTracking {
    pub fn as_str(self) -> &'static str {
        match self {
            InventoryTracking::None => "none",
            InventoryTracking::Product => "product",
            InventoryTracking::Variant => "variant",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "none" => Some(InventoryTracking::None),
            "product" => Some(InventoryTracking::Product),
            "variant" => Some(InventoryTracking::Variant),
            _ => None,
        }
    }
}

/// A product as read from the store, ready to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogProduct {
    pub external_id: u64,
    pub name: String,
    pub sku: Option<String>,
    pub upc: Option<String>,
    pub gtin: Option<String>,
    pub brand_name: Option<String>,
    pub price: Option<Decimal>,
    pub cost_price: Option<Decimal>,
    pub inventory_tracking: InventoryTracking,
    pub inventory_level: Option<i64>,
    pub is_visible: bool,
    /// Unix milliseconds.
    pub date_modified_ms: Option<i64>,
    pub variants: Vec<CatalogVariant>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CatalogVariant {
    pub external_id: u64,
    pub sku: Option<String>,
    pub upc: Option<String>,
    pub gtin: Option<String>,
    pub price: Option<Decimal>,
    pub cost_price: Option<Decimal>,
    pub inventory_level: Option<i64>,
    /// "Color: Red, Size: M"; empty for a base variant.
    pub options: String,
    /// It can be bought: its product is not disabled and its own purchasing is not.
    pub purchasable: bool,
}

/// Trims a code (SKU, UPC, GTIN); blank means absent.
pub fn normalize_code(code: Option<&str>) -> Option<String> {
    code.map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// Every product; what the store no longer has is archived.
    Full,
    /// Products modified since the last run (with an overlap); nothing is archived.
    Incremental,
}

impl ImportMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportMode::Full => "full",
            ImportMode::Incremental => "incremental",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "full" => Some(ImportMode::Full),
            "incremental" => Some(ImportMode::Incremental),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    Queued,
    Running,
    Completed,
    Failed,
}

impl ImportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportStatus::Queued => "queued",
            ImportStatus::Running => "running",
            ImportStatus::Completed => "completed",
            ImportStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "queued" => Some(ImportStatus::Queued),
            "running" => Some(ImportStatus::Running),
            "completed" => Some(ImportStatus::Completed),
            "failed" => Some(ImportStatus::Failed),
            _ => None,
        }
    }

    pub fn is_finished(self) -> bool {
        matches!(self, ImportStatus::Completed | ImportStatus::Failed)
    }
}

/// How far a run got: what the progress bar shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportCounts {
    pub pages_done: i64,
    pub pages_total: i64,
    pub products_seen: i64,
    pub variants_seen: i64,
    pub products_created: i64,
    pub products_updated: i64,
    pub products_archived: i64,
    pub variants_created: i64,
    pub variants_updated: i64,
    pub variants_archived: i64,
}

impl ImportCounts {
    /// Whole percent of pages done; a finished run is 100 even when the store was empty.
    pub fn percent(&self, status: ImportStatus) -> i64 {
        if status == ImportStatus::Completed {
            return 100;
        }
        if self.pages_total <= 0 {
            return 0;
        }
        (self.pages_done * 100 / self.pages_total).clamp(0, 100)
    }
}

/// Overlap subtracted from the last cursor on an incremental read: BigCommerce's
/// `date_modified` and our clock are not perfectly in step, and late writes must not be missed.
pub const INCREMENTAL_OVERLAP_MS: i64 = 5 * 60 * 1000;

/// Where an incremental run starts reading: the cursor less the overlap.
pub fn modified_since(cursor_ms: i64) -> i64 {
    cursor_ms - INCREMENTAL_OVERLAP_MS
}

/// The cursor a finished run leaves for the next one: its own start, never later — anything
/// modified while it ran is read again next time rather than skipped.
pub fn next_cursor(run_started_ms: i64) -> i64 {
    run_started_ms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_follows_pages_and_completion() {
        let counts = ImportCounts {
            pages_done: 1,
            pages_total: 4,
            ..Default::default()
        };
        assert_eq!(counts.percent(ImportStatus::Running), 25);
        assert_eq!(ImportCounts::default().percent(ImportStatus::Running), 0);
        assert_eq!(
            ImportCounts::default().percent(ImportStatus::Completed),
            100
        );
    }

    #[test]
    fn codes_are_trimmed_and_blank_is_none() {
        assert_eq!(normalize_code(Some("  AB-1 ")), Some("AB-1".into()));
        assert_eq!(normalize_code(Some("   ")), None);
        assert_eq!(normalize_code(None), None);
    }

    #[test]
    fn the_incremental_window_overlaps_and_never_passes_the_runs_start() {
        let start = 1_700_000_000_000;
        assert!(modified_since(start) < start);
        assert!(next_cursor(start) <= start);
    }
}
