//! Levels of a vendor's store read without its catalog: one product's (a webhook said its stock
//! changed) or every item's (the drift read between full reads). Only the matched items'
//! levels are reported; variants the last full read did not store wait for the next one.

use std::collections::BTreeMap;

use crate::app::App;
use crate::app::error::SyncError;
use crate::channels::bigcommerce::vendor_catalog::read_levels;
use crate::db::vendor_store_catalog as catalog;
use crate::db::{self, DbError};

impl App {
    /// Reads the levels of one product of the vendor's store (all of them when `product_id` is
    /// `None`), stores them and reports the matched items' as the vendor's stock. Returns how
    /// many merchant SKUs were reported.
    pub async fn read_vendor_store_levels(
        &self,
        vendor_id: i64,
        product_id: Option<i64>,
    ) -> Result<usize, SyncError> {
        let (link, client) = self.vendor_link_and_client(vendor_id).await?;
        let products: Vec<u64> = product_id.into_iter().map(|id| id as u64).collect();
        let levels = read_levels(&client, &products, link.reading).await?;
        let stored = match product_id {
            Some(id) => catalog::variants_of_product(&self.db, link.store_id, id).await?,
            None => catalog::stored_variants(&self.db, link.store_id).await?,
        };
        let read: Vec<(i64, Option<i64>)> = stored
            .iter()
            // A variant whose product tracks no stock keeps no level; every other keeps what
            // the items say (none listed: not tracked any more).
            .map(|v| (v.variant_id, levels.level_of(v.product_id, v.variant_id)))
            .collect();
        let mut tx = self.db.begin().await?;
        catalog::set_levels(&mut tx, link.store_id, &read, db::now_ms()).await?;
        tx.commit().await.map_err(DbError::from)?;
        if !link.takes_stock {
            return Ok(0);
        }
        let ids: Vec<i64> = stored.iter().map(|v| v.variant_id).collect();
        let reported: BTreeMap<String, i64> =
            catalog::matched_levels(&self.db, link.store_id, Some(&ids))
                .await?
                .into_iter()
                .filter_map(|(sku, level)| Some((sku, level?)))
                .collect();
        Ok(self.report_vendor_store_stock(vendor_id, reported).await?)
    }
}
