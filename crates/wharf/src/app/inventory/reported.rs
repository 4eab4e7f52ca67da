//! A vendor's own view of its stock, for the portal: every level it reported, a page at a time,
//! each with what it is to the stores (the item it counts for, another vendor's item, or none),
//! when its stock was last fresh, and its feeds — all scoped to the vendor, so another vendor's
//! feed is not found.

use crate::app::App;
use crate::app::error::AppError;
use crate::db::inventory::{self as stock, ReportedStockCursor};
use crate::db::now_ms;

use super::routed::SkuFate;

/// Reported levels a portal page shows.
pub const REPORTED_PAGE_SIZE: i64 = 50;
/// The longest search text: a SKU is never longer.
const MAX_SEARCH_CHARS: usize = 100;

/// One reported level and what it is to the stores.
#[derive(Debug, Clone)]
pub struct ReportedLevel {
    pub warehouse: String,
    pub sku: String,
    pub quantity: i64,
    pub reported_at_ms: i64,
    pub fate: SkuFate,
    /// The store product the SKU counts for (or would, were it routed to the vendor).
    pub product_name: Option<String>,
}

/// A page of a vendor's reported levels, in warehouse then SKU order.
#[derive(Debug, Clone, Default)]
pub struct ReportedStockPage {
    pub levels: Vec<ReportedLevel>,
    /// Where the next page starts, if there is one.
    pub next: Option<ReportedStockCursor>,
}

/// When a vendor's stock was last fresh, and whether the operator's staleness limit has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StockFreshness {
    /// The vendor's last report by any road (API, upload, feed).
    pub reported_at_ms: Option<i64>,
    /// Set by the operator: stock older than this publishes 0.
    pub stale_after_secs: Option<i64>,
    pub stale: bool,
}

impl App {
    /// A page of the vendor's reported levels after `after`; `search` keeps SKUs containing it
    /// (any case).
    pub async fn vendor_reported_stock(
        &self,
        vendor_id: i64,
        search: &str,
        after: Option<&ReportedStockCursor>,
    ) -> Result<ReportedStockPage, AppError> {
        let pattern = like_pattern(search);
        let mut rows = stock::reported_stock_page(
            &self.db,
            vendor_id,
            &pattern,
            after,
            REPORTED_PAGE_SIZE + 1,
        )
        .await?;
        let next = (rows.len() as i64 > REPORTED_PAGE_SIZE).then(|| {
            rows.truncate(REPORTED_PAGE_SIZE as usize);
            let last = rows.last().expect("a full page has a last row");
            (last.warehouse_id, last.sku.clone())
        });
        let skus: Vec<String> = rows.iter().map(|r| r.sku.clone()).collect();
        let standing = self.sku_standing(vendor_id, &skus).await?;
        let levels = rows
            .into_iter()
            .map(|row| {
                let fate = standing
                    .as_ref()
                    .map_or(SkuFate::Unmatched, |s| s.of(&row.sku));
                ReportedLevel {
                    warehouse: row.warehouse,
                    sku: row.sku,
                    quantity: row.quantity,
                    reported_at_ms: row.updated_at_ms,
                    product_name: row.product_name.filter(|_| fate != SkuFate::Unmatched),
                    fate,
                }
            })
            .collect();
        Ok(ReportedStockPage { levels, next })
    }

    /// When the vendor last reported stock, and whether that is stale by the operator's terms.
    pub async fn vendor_stock_freshness(&self, vendor_id: i64) -> Result<StockFreshness, AppError> {
        let terms = stock::vendor_terms(&self.db)
            .await?
            .into_iter()
            .find(|t| t.vendor_id == vendor_id)
            .ok_or_else(|| AppError::NotFound {
                what: "vendor",
                id: vendor_id.to_string(),
            })?;
        Ok(StockFreshness {
            reported_at_ms: terms.reported_at_ms,
            stale_after_secs: terms.stale_after_secs,
            stale: !terms.fresh_at(now_ms()),
        })
    }

    /// The feed, if it is the vendor's: another vendor's reads as one that does not exist.
    pub async fn vendor_feed(&self, vendor_id: i64, feed_id: i64) -> Result<stock::Feed, AppError> {
        self.feeds(Some(vendor_id))
            .await?
            .into_iter()
            .find(|f| f.id == feed_id)
            .ok_or_else(|| AppError::NotFound {
                what: "feed",
                id: feed_id.to_string(),
            })
    }
}

/// The search text as a `LIKE` operand's middle: trimmed, lowercased, cut to a SKU's length,
/// its wildcards escaped so they match themselves.
fn like_pattern(search: &str) -> String {
    search
        .trim()
        .chars()
        .take(MAX_SEARCH_CHARS)
        .flat_map(char::to_lowercase)
        .fold(String::new(), |mut out, c| {
            if matches!(c, '%' | '_' | '\\') {
                out.push('\\');
            }
            out.push(c);
            out
        })
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn a_search_matches_its_wildcards_literally() {
        assert_eq!(like_pattern("  Tee_50%\\ "), "tee\\_50\\%\\\\");
        assert_eq!(like_pattern(""), "");
    }
}
