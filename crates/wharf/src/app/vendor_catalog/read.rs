//! The full read of a vendor's store: every variant and its level, the match worked out again,
//! both stored in one transaction, then the matched items' levels reported as the vendor's
//! stock.

use std::collections::{BTreeMap, BTreeSet};

use super::{CatalogReadReport, VendorStoreLink};
use crate::app::App;
use crate::app::error::{AppError, SyncError};
use crate::app::jobs::{VendorCatalogImport, VendorStockRead};
use crate::channels::bigcommerce::vendor_catalog::read_vendor_variants;
use crate::db::vendor_store_catalog as catalog;
use crate::db::{self, DbError};
use crate::domain::vendor_match::{MatchState, VendorStoreVariant, match_variants};

impl App {
    /// Queues a full read of the vendor's store (a person asked, or its matching options
    /// changed); one already waiting absorbs it.
    pub async fn queue_vendor_catalog_read(&self, vendor_id: i64) -> Result<(), AppError> {
        let link = self.vendor_store_link(vendor_id).await?;
        let mut tx = self.db.begin().await?;
        VendorCatalogImport { vendor_id }
            .enqueue(&mut tx, link.store_id)
            .await?;
        tx.commit().await.map_err(DbError::from)?;
        self.wake_workers();
        Ok(())
    }

    /// Queues a read of every connected, active vendor store: in full, or its levels alone.
    pub async fn queue_vendor_store_reads(&self, full: bool) -> Result<(), AppError> {
        let stores = self.list_vendor_stores().await?;
        let mut tx = self.db.begin().await?;
        for store in stores.iter().filter(|s| s.is_connected()) {
            if full {
                VendorCatalogImport {
                    vendor_id: store.vendor_id,
                }
                .enqueue(&mut tx, store.store_id)
                .await?;
            } else if store.settings.active {
                VendorStockRead {
                    vendor_id: store.vendor_id,
                    product_id: None,
                }
                .enqueue(&mut tx, store.store_id)
                .await?;
            }
        }
        tx.commit().await.map_err(DbError::from)?;
        self.wake_workers();
        Ok(())
    }

    /// Reads the vendor's store (only GETs), stores its variants and the match, and reports the
    /// matched items' levels as the vendor's stock.
    pub async fn read_vendor_catalog(
        &self,
        vendor_id: i64,
    ) -> Result<CatalogReadReport, SyncError> {
        let (link, client) = self.vendor_link_and_client(vendor_id).await?;
        let variants = read_vendor_variants(&client, link.reading).await?;
        Ok(self
            .store_vendor_catalog(vendor_id, &link, &variants)
            .await?)
    }

    async fn store_vendor_catalog(
        &self,
        vendor_id: i64,
        link: &VendorStoreLink,
        variants: &[VendorStoreVariant],
    ) -> Result<CatalogReadReport, AppError> {
        let items = catalog::merchant_items(&self.db).await?;
        let for_matching: Vec<_> = variants.iter().map(|v| v.for_matching()).collect();
        let matched = match_variants(&items, &for_matching, &link.matching);
        let before: BTreeSet<String> = catalog::matched_levels(&self.db, link.store_id, None)
            .await?
            .into_iter()
            .map(|(sku, _)| sku)
            .collect();
        let now = db::now_ms();
        let mut tx = self.db.begin().await?;
        catalog::replace_catalog(&mut tx, link.store_id, variants, now).await?;
        catalog::replace_matches(&mut tx, link.store_id, &matched.entries, now).await?;
        tx.commit().await.map_err(DbError::from)?;

        // What the vendor's store can sell of each matched item; an item matched before whose
        // variant is gone (or no longer matches) has nothing the vendor can be sent orders for.
        let mut levels: BTreeMap<String, i64> = BTreeMap::new();
        for (sku, level) in catalog::matched_levels(&self.db, link.store_id, None).await? {
            if let Some(level) = level {
                levels.insert(sku, level);
            }
        }
        for sku in before {
            levels.entry(sku).or_insert(0);
        }
        let stock_reported = if link.takes_stock {
            self.report_vendor_store_stock(vendor_id, levels).await?
        } else {
            0
        };
        Ok(CatalogReadReport {
            variants: variants.len(),
            matched: matched.count(MatchState::Matched),
            unmatched: matched.count(MatchState::Unmatched),
            ambiguous: matched.count(MatchState::Ambiguous),
            stock_reported,
        })
    }

    /// Records the levels, by merchant SKU, as the vendor's stock (its main warehouse), through
    /// the intake every stock report takes. Returns how many.
    pub(super) async fn report_vendor_store_stock(
        &self,
        vendor_id: i64,
        levels: BTreeMap<String, i64>,
    ) -> Result<usize, AppError> {
        if levels.is_empty() {
            return Ok(0);
        }
        let rows: Vec<(Option<String>, String, i64)> = levels
            .into_iter()
            .map(|(sku, level)| {
                (
                    None,
                    sku,
                    level.clamp(0, crate::domain::stock_csv::MAX_QUANTITY),
                )
            })
            .collect();
        self.record_stock(vendor_id, &rows).await?;
        Ok(rows.len())
    }
}
