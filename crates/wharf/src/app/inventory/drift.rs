//! The drift check: BigCommerce's levels against what wharf confirmed; differences are
//! recorded, forgotten as confirmed, and repaired by a push.

use std::collections::HashMap;

use crate::app::App;
use crate::app::error::AppError;
use crate::app::error::SyncError;
use crate::app::jobs::{DriftCheck, InventoryPush};
use crate::channels::bigcommerce::inventory::InventoryItemPages;
use crate::db::inventory::{self as stock, StoreItem};
use crate::db::{DbError, now_ms};
use crate::domain::inventory::{ItemAt, ItemKind};

use super::DriftReport;

impl App {
    /// Reads the store's levels from BigCommerce and compares them with what wharf confirmed:
    /// differences (someone edited stock by hand, an app overwrote it) are recorded for the
    /// drift page, forgotten as confirmed, and fixed by the push queued right after.
    pub async fn check_drift(&self, store_id: i64) -> Result<DriftReport, SyncError> {
        let client = self.sales_client_for(store_id).await?;
        let items = stock::store_items(&self.db, store_id).await?;
        let by_external: HashMap<(ItemKind, i64), &StoreItem> =
            items.iter().map(|i| ((i.kind, i.external_id), i)).collect();
        let confirmed: HashMap<ItemAt, i64> = stock::published(&self.db, store_id)
            .await?
            .into_iter()
            .filter_map(|(at, p)| p.quantity.map(|q| (at, q)))
            .collect();
        let mut report = DriftReport::default();
        let mut drift = Vec::new();
        let checked_at = now_ms();
        let mut pages = InventoryItemPages::new(&client);
        while let Some(remote_items) = pages.next_page().await? {
            report.requests += 1;
            for remote in &remote_items {
                let key = match (remote.variant_id, remote.product_id) {
                    (Some(v), _) if by_external.contains_key(&(ItemKind::Variant, v)) => {
                        (ItemKind::Variant, v)
                    }
                    (_, Some(p)) => (ItemKind::Product, p),
                    _ => continue,
                };
                let Some(item) = by_external.get(&key) else {
                    continue;
                };
                report.items_checked += 1;
                for level in &remote.levels {
                    let at = ItemAt {
                        kind: item.kind,
                        item_id: item.id,
                        location_id: level.location_id,
                    };
                    let Some(&expected) = confirmed.get(&at) else {
                        continue;
                    };
                    let found = level.on_hand;
                    if found != expected {
                        drift.push(stock::Drift {
                            checked_at_ms: checked_at,
                            item_kind: item.kind,
                            item_id: item.id,
                            location_id: at.location_id,
                            sku: remote_sku(&remote.sku, item),
                            expected,
                            found,
                        });
                    }
                }
            }
        }
        report.differences = drift.len();
        stock::record_drift(&self.db, store_id, &drift).await?;
        if !drift.is_empty() {
            let items: Vec<ItemAt> = drift
                .iter()
                .map(|d| ItemAt {
                    kind: d.item_kind,
                    item_id: d.item_id,
                    location_id: d.location_id,
                })
                .collect();
            stock::forget_confirmed(&self.db, store_id, &items).await?;
            let mut tx = self.db.begin().await?;
            stock::changes::mark_everything(&mut tx, store_id).await?;
            InventoryPush::of_changes(store_id).enqueue(&mut tx).await?;
            tx.commit().await.map_err(DbError::from)?;
            self.wake_workers();
        }
        Ok(report)
    }

    pub async fn drift_report(&self, store_id: i64) -> Result<Vec<stock::Drift>, AppError> {
        Ok(stock::drift_report(&self.db, store_id).await?)
    }

    pub async fn queue_drift_check(&self, store_id: i64) -> Result<(), DbError> {
        DriftCheck { store_id }.enqueue(&self.db).await?;
        self.wake_workers();
        Ok(())
    }
}

fn remote_sku(sku: &str, item: &StoreItem) -> Option<String> {
    if sku.is_empty() {
        item.skus.first().cloned()
    } else {
        Some(sku.to_owned())
    }
}
