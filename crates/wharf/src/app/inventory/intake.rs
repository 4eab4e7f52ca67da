//! Vendors' stock coming in: the vendor API, CSV uploads, terms (buffers, staleness) and
//! warehouse locations; each change queues a push to every store it moves.

use std::collections::{HashMap, HashSet};

use crate::app::App;
use crate::app::error::AppError;
use crate::app::jobs::InventoryPush;
use crate::db::inventory::{self as stock, VendorStockTerms};
use crate::db::{self, DbError};
use crate::domain::inventory::ItemKind;
use crate::domain::stock_csv::{ColumnMapping, parse_stock_csv};
use crate::domain::{FieldError, FieldErrors};

use super::{
    InventoryView, MAX_STOCK_ITEMS_PER_CALL, RefusedItem, StockImportReport, StockInput,
    StockReport, StockTermsInput,
};

impl App {
    /// Sets a vendor's absolute stock levels (per warehouse) and queues a push to every store.
    /// The whole call is refused, naming each bad item, if any item is invalid.
    pub async fn set_vendor_stock(
        &self,
        vendor_id: i64,
        input: &StockInput,
    ) -> Result<StockReport, AppError> {
        let mut problems = Vec::new();
        if input.items.is_empty() {
            problems.push("send at least one item".to_owned());
        }
        if input.items.len() > MAX_STOCK_ITEMS_PER_CALL {
            problems.push(format!(
                "at most {MAX_STOCK_ITEMS_PER_CALL} items per call ({} sent)",
                input.items.len()
            ));
        }
        for (i, item) in input.items.iter().enumerate() {
            let n = i + 1;
            if item.sku.trim().is_empty() || item.sku.len() > 255 {
                problems.push(format!(
                    "item {n}: sku is required (at most 255 characters)"
                ));
            }
            if item.quantity < 0 {
                problems.push(format!(
                    "item {n} (SKU {}): quantity must be 0 or more",
                    item.sku.trim()
                ));
            }
            if item
                .warehouse
                .as_deref()
                .is_some_and(|w| w.trim().len() > 50)
            {
                problems.push(format!("item {n}: warehouse is at most 50 characters"));
            }
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(FieldErrors(vec![FieldError::new(
                "items",
                problems.join("; "),
            )])));
        }
        let levels: Vec<(Option<String>, String, i64)> = input
            .items
            .iter()
            .map(|i| {
                (
                    i.warehouse.clone().filter(|w| !w.trim().is_empty()),
                    i.sku.trim().to_owned(),
                    i.quantity,
                )
            })
            .collect();
        self.record_stock(vendor_id, &levels).await?;
        Ok(StockReport {
            applied: levels.len(),
        })
    }

    /// Stores (warehouse, SKU, quantity) levels for a vendor and queues every store's push, in
    /// one transaction.
    pub(crate) async fn record_stock(
        &self,
        vendor_id: i64,
        levels: &[(Option<String>, String, i64)],
    ) -> Result<(), AppError> {
        db::vendors::get(&self.db, vendor_id)
            .await?
            .ok_or_else(|| AppError::NotFound {
                what: "vendor",
                id: vendor_id.to_string(),
            })?;
        let mut tx = self.db.begin().await?;
        let mut warehouses: HashMap<String, i64> = HashMap::new();
        let mut rows = Vec::with_capacity(levels.len());
        for (warehouse, sku, quantity) in levels {
            let code = warehouse
                .as_deref()
                .map(str::trim)
                .unwrap_or(stock::MAIN_WAREHOUSE)
                .to_owned();
            let id = match warehouses.get(&code) {
                Some(id) => *id,
                None => {
                    let id = stock::warehouse(&mut tx, vendor_id, &code).await?;
                    warehouses.insert(code, id);
                    id
                }
            };
            rows.push((id, sku.clone(), *quantity));
        }
        stock::set_stock(&mut tx, vendor_id, &rows).await?;
        for store_id in self.connected_store_ids().await? {
            InventoryPush::of_changes(store_id)
                .enqueue(&mut tx, self.inventory_push_delay)
                .await?;
        }
        tx.commit().await.map_err(DbError::from)?;
        self.wake_workers();
        Ok(())
    }

    /// Stores whose levels wharf publishes: the connected ones (a store whose credentials failed
    /// would only collect failed pushes).
    async fn connected_store_ids(&self) -> Result<Vec<i64>, AppError> {
        Ok(self
            .list_stores()
            .await?
            .into_iter()
            .filter(|s| s.is_connected())
            .map(|s| s.id)
            .collect())
    }

    /// Applies a stock file (an upload or a feed). A file that is broken as a whole (missing
    /// columns, mostly invalid rows) is refused with the reason and changes nothing.
    pub async fn import_stock_csv(
        &self,
        vendor_id: i64,
        text: &str,
        mapping: Option<&ColumnMapping>,
    ) -> Result<StockImportReport, AppError> {
        let default = ColumnMapping::default();
        let upload = parse_stock_csv(text, mapping.unwrap_or(&default))
            .map_err(|m| AppError::Invalid(FieldErrors(vec![FieldError::new("file", m)])))?;
        let levels: Vec<(Option<String>, String, i64)> = upload
            .rows
            .iter()
            .map(|r| (r.warehouse.clone(), r.sku.clone(), r.quantity))
            .collect();
        if !levels.is_empty() {
            self.record_stock(vendor_id, &levels).await?;
        }
        Ok(StockImportReport {
            applied: levels.len(),
            errors: upload.errors,
        })
    }

    /// Sets how the vendor's stock is taken, and republishes every store.
    pub async fn set_stock_terms(
        &self,
        vendor_id: i64,
        input: &StockTermsInput,
    ) -> Result<(), AppError> {
        let mut errors = FieldErrors::default();
        if !(0..=1_000_000).contains(&input.buffer) {
            errors.push(FieldError::new(
                "buffer",
                "Buffer must be between 0 and 1,000,000 units",
            ));
        }
        let stale = input.stale_after_secs.filter(|s| *s != 0);
        if stale.is_some_and(|s| !(60..=90 * 24 * 3600).contains(&s)) {
            errors.push(FieldError::new(
                "stale_after_secs",
                "Stale after must be between 60 seconds and 90 days (or 0 for never)",
            ));
        }
        let prefix = input
            .strip_prefix
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty());
        if prefix.is_some_and(|p| p.len() > 50) {
            errors.push(FieldError::new(
                "strip_prefix",
                "Prefix is at most 50 characters",
            ));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let matching = crate::domain::inventory::SkuMatching {
            case_insensitive: input.case_insensitive,
            strip_prefix: prefix.map(str::to_owned),
        };
        if !stock::set_vendor_terms(&self.db, vendor_id, input.buffer, stale, &matching).await? {
            return Err(AppError::NotFound {
                what: "vendor",
                id: vendor_id.to_string(),
            });
        }
        self.queue_pushes_everywhere().await?;
        Ok(())
    }

    /// Maps a vendor's warehouse to a BigCommerce inventory location.
    pub async fn set_warehouse_location(
        &self,
        warehouse_id: i64,
        location_id: i64,
    ) -> Result<(), AppError> {
        if location_id < 1 {
            return Err(AppError::Invalid(FieldErrors(vec![FieldError::new(
                "location_id",
                "A BigCommerce location id is 1 or more",
            )])));
        }
        if !stock::set_warehouse_location(&self.db, warehouse_id, location_id).await? {
            return Err(AppError::NotFound {
                what: "warehouse",
                id: warehouse_id.to_string(),
            });
        }
        self.queue_pushes_everywhere().await?;
        Ok(())
    }

    async fn queue_pushes_everywhere(&self) -> Result<(), AppError> {
        let stores = self.connected_store_ids().await?;
        let mut tx = self.db.begin().await?;
        for store_id in stores {
            InventoryPush::of_changes(store_id)
                .enqueue(&mut tx, self.inventory_push_delay)
                .await?;
        }
        tx.commit().await.map_err(DbError::from)?;
        self.wake_workers();
        Ok(())
    }

    /// The store's inventory as its page shows it: items BigCommerce refused and the last drift
    /// check's findings.
    pub async fn inventory_view(&self, store_id: i64) -> Result<InventoryView, AppError> {
        let items = stock::store_items(&self.db, store_id).await?;
        let sku_of: HashMap<(ItemKind, i64), String> = items
            .iter()
            .map(|i| ((i.kind, i.id), i.skus.first().cloned().unwrap_or_default()))
            .collect();
        let refused = stock::refused(&self.db, store_id)
            .await?
            .into_iter()
            .map(|(at, error)| RefusedItem {
                kind: at.kind,
                sku: sku_of
                    .get(&(at.kind, at.item_id))
                    .cloned()
                    .unwrap_or_default(),
                location_id: at.location_id,
                error,
            })
            .collect();
        Ok(InventoryView {
            store_id,
            published: stock::published(&self.db, store_id).await?.len(),
            refused,
            drift: stock::drift_report(&self.db, store_id).await?,
        })
    }

    /// The vendor's reported SKUs that match no tracked item of any store.
    pub async fn unmatched_skus(&self, vendor_id: i64) -> Result<Vec<String>, AppError> {
        let terms = stock::vendor_terms(&self.db)
            .await?
            .into_iter()
            .find(|t| t.vendor_id == vendor_id)
            .ok_or_else(|| AppError::NotFound {
                what: "vendor",
                id: vendor_id.to_string(),
            })?;
        let mut matched_keys = HashSet::new();
        for store in db::stores::list(&self.db).await? {
            for item in stock::store_items(&self.db, store.id).await? {
                for sku in &item.skus {
                    matched_keys.insert(terms.matching.store_key(sku));
                }
            }
        }
        let mut unmatched: Vec<String> = stock::stock_rows(&self.db, Some(vendor_id))
            .await?
            .into_iter()
            .map(|row| row.sku)
            .filter(|sku| !matched_keys.contains(&terms.matching.vendor_key(sku)))
            .collect();
        unmatched.sort();
        unmatched.dedup();
        Ok(unmatched)
    }

    /// A vendor's warehouses, each with the location its stock counts toward.
    pub async fn vendor_warehouses(
        &self,
        vendor_id: i64,
    ) -> Result<Vec<stock::Warehouse>, AppError> {
        Ok(stock::warehouses(&self.db, Some(vendor_id)).await?)
    }

    /// Every vendor's stock terms (buffer, staleness, SKU matching), in vendor id order.
    pub async fn stock_terms(&self) -> Result<Vec<VendorStockTerms>, AppError> {
        Ok(stock::vendor_terms(&self.db).await?)
    }
}
