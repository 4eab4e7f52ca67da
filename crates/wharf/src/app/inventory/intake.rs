//! Vendors' stock coming in: the vendor API, CSV uploads, terms (buffers, staleness) and
//! warehouse locations; each change queues a push to every store it moves.

use std::collections::HashMap;

use crate::app::App;
use crate::app::error::AppError;
use crate::app::jobs::InventoryPush;
use crate::db::inventory::{self as stock, NewStock, VendorStockTerms};
use crate::db::{self, DbError};
use crate::domain::inventory::ItemKind;
use crate::domain::stock_csv::{ColumnMapping, MAX_QUANTITY, parse_stock_csv};
use crate::domain::{FieldError, FieldErrors};

use super::{
    InventoryView, MAX_STOCK_ITEMS_PER_CALL, NotRouted, RefusedItem, StockImportReport, StockInput,
    StockReport, StockTermsInput, UNMATCHED_SHOWN, UnmatchedCapped, UnmatchedSummary,
};

/// What recording a report did beyond storing it.
#[derive(Debug, Default)]
pub(crate) struct Recorded {
    not_routed: Vec<NotRouted>,
    unmatched_capped: Option<UnmatchedCapped>,
}

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
            // BigCommerce keeps levels as 32-bit numbers: a larger one is refused there,
            // after wharf had stored it, and the level goes stale.
            if item.quantity > MAX_QUANTITY {
                problems.push(format!(
                    "item {n} (SKU {}): quantity must be at most {MAX_QUANTITY}",
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
        let recorded = self.record_stock(vendor_id, &levels).await?;
        Ok(StockReport {
            applied: levels.len(),
            not_routed: recorded.not_routed,
            unmatched_capped: recorded.unmatched_capped,
        })
    }

    /// Stores (warehouse, SKU, quantity) levels for a vendor, drops its oldest unmatched rows
    /// beyond the cap and queues the push of every store where its stock counts, in one
    /// transaction; then says which of the SKUs are routed to another vendor.
    pub(crate) async fn record_stock(
        &self,
        vendor_id: i64,
        levels: &[(Option<String>, String, i64)],
    ) -> Result<Recorded, AppError> {
        db::vendors::get(&self.db, vendor_id)
            .await?
            .ok_or_else(|| AppError::NotFound {
                what: "vendor",
                id: vendor_id.to_string(),
            })?;
        let terms = stock::vendor_terms(&self.db)
            .await?
            .into_iter()
            .find(|t| t.vendor_id == vendor_id);
        // A stale vendor's every row counted 0; fresh again, every one counts.
        let was_stale = terms.as_ref().is_some_and(|t| !t.fresh_at(db::now_ms()));
        let matching = terms.map(|t| t.matching).unwrap_or_default();
        // Read before the transaction: a report holding its connection while it waits for
        // another would, with as many reports at once as the pool has connections, wait on
        // itself until the pool's timeout.
        let stores = self.stores_counting_stock_of(vendor_id).await?;
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
            rows.push(NewStock {
                warehouse_id: id,
                sku: sku.clone(),
                stripped: matching.stripped(sku).to_owned(),
                quantity: *quantity,
            });
        }
        // Before the report moves the vendor's report time: the shipments it settles.
        stock::changes::mark_settled_by_report(&mut tx, vendor_id).await?;
        let reported_at = stock::set_stock(&mut tx, vendor_id, &rows).await?;
        let cap = self.unmatched_skus_per_vendor;
        let dropped = stock::drop_oldest_unmatched(&mut tx, vendor_id, cap, reported_at).await?;
        let reported: Vec<String> = rows.iter().map(|r| r.stripped.clone()).collect();
        for store_id in stores {
            if was_stale {
                stock::changes::mark_everything(&mut tx, store_id).await?;
            } else {
                stock::changes::mark_skus(&mut tx, store_id, &reported).await?;
            }
            InventoryPush::of_changes(store_id).enqueue(&mut tx).await?;
        }
        tx.commit().await.map_err(DbError::from)?;
        self.wake_workers();
        let skus: Vec<String> = levels.iter().map(|(_, sku, _)| sku.clone()).collect();
        Ok(Recorded {
            not_routed: self.not_routed(vendor_id, &skus).await?,
            unmatched_capped: (dropped > 0).then(|| UnmatchedCapped {
                cap,
                dropped,
                message: format!(
                    "wharf keeps at most {cap} stock rows whose SKU matches no store item per \
                     vendor; the {dropped} oldest were dropped"
                ),
            }),
        })
    }

    /// The connected stores where the vendor's stock can count: those whose rules can route
    /// to it. A report marks and pushes only these, so its work does not grow with every store
    /// wharf serves (fifty stores with a vendor each would make each report fifty pushes).
    /// A rule change that starts routing to the vendor republishes the store whole.
    async fn stores_counting_stock_of(&self, vendor_id: i64) -> Result<Vec<i64>, AppError> {
        let routing: std::collections::HashSet<i64> =
            db::assignments::stores_routing_to(&self.db, vendor_id)
                .await?
                .into_iter()
                .collect();
        let mut stores = self.connected_store_ids().await?;
        stores.retain(|id| routing.contains(id));
        Ok(stores)
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
        let recorded = if levels.is_empty() {
            Recorded::default()
        } else {
            self.record_stock(vendor_id, &levels).await?
        };
        Ok(StockImportReport {
            applied: levels.len(),
            errors: upload.errors,
            not_routed: recorded.not_routed,
            unmatched_capped: recorded.unmatched_capped,
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
        stock::rekey_stock(&self.db, vendor_id, &matching).await?;
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

    pub(crate) async fn queue_pushes_everywhere(&self) -> Result<(), AppError> {
        let stores = self.connected_store_ids().await?;
        let mut tx = self.db.begin().await?;
        for store_id in stores {
            stock::changes::mark_everything(&mut tx, store_id).await?;
            InventoryPush::of_changes(store_id).enqueue(&mut tx).await?;
        }
        tx.commit().await.map_err(DbError::from)?;
        self.wake_workers();
        Ok(())
    }

    /// The store's inventory as its page shows it: items BigCommerce refused and the last drift
    /// check's findings. Only the refused items are looked up, never the whole catalog.
    pub async fn inventory_view(&self, store_id: i64) -> Result<InventoryView, AppError> {
        let refused = stock::refused(&self.db, store_id).await?;
        let mut sku_of: HashMap<(ItemKind, i64), String> = HashMap::new();
        for chunk in refused.chunks(500) {
            let ids = |kind: ItemKind| -> Vec<i64> {
                chunk
                    .iter()
                    .filter(|(at, _)| at.kind == kind)
                    .map(|(at, _)| at.item_id)
                    .collect()
            };
            let (variants, products) = (ids(ItemKind::Variant), ids(ItemKind::Product));
            for item in
                stock::store_items_with_ids(&self.db, store_id, &variants, &products).await?
            {
                sku_of.insert(
                    (item.kind, item.id),
                    item.skus.first().cloned().unwrap_or_default(),
                );
            }
        }
        let refused = refused
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
            published: stock::published_count(&self.db, store_id).await? as usize,
            refused,
            drift: stock::drift_report(&self.db, store_id).await?,
        })
    }

    /// How many of the vendor's reported SKUs match no store item, and the first of them.
    pub async fn unmatched_skus(&self, vendor_id: i64) -> Result<UnmatchedSummary, AppError> {
        self.vendor(vendor_id).await?;
        Ok(UnmatchedSummary {
            count: stock::unmatched_count(&self.db, vendor_id).await?,
            first: stock::unmatched_skus(&self.db, vendor_id, UNMATCHED_SHOWN).await?,
        })
    }

    /// Deletes the vendor's stock rows that match no store item. Returns how many went.
    pub async fn clear_unmatched_skus(&self, vendor_id: i64) -> Result<u64, AppError> {
        self.vendor(vendor_id).await?;
        let cleared = stock::clear_unmatched(&self.db, vendor_id).await?;
        tracing::info!(vendor_id, cleared, "unmatched stock rows cleared");
        Ok(cleared)
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
