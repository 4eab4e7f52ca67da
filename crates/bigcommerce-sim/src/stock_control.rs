//! A vendor changing its stock by hand (a stock count, a delivery): the level of one item,
//! named by SKU, at one location, with the webhook BigCommerce fires for it
//! (`store/sku/inventory/updated` or `store/product/inventory/updated`, see
//! `inventory/stock_events.rs`). Tests and the demo use it to make a vendor's stock move.

use crate::Simulator;
use crate::inventory::{self, ItemRef, StockChange, Unresolved};

/// Why a stock level could not be set, in words naming what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StockError {
    UnknownStore(String),
    /// The message names the SKU, location or tracking problem.
    Invalid(String),
}

impl std::fmt::Display for StockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StockError::UnknownStore(hash) => write!(f, "unknown store {hash:?}"),
            StockError::Invalid(why) => f.write_str(why),
        }
    }
}

impl Simulator {
    /// Sets the level of the inventory item with this SKU (a variant under variant tracking,
    /// the product under product tracking) at a location, and fires its inventory webhook
    /// (`method: absolute`, the new level). Unlike [`Simulator::set_variant_level`], which
    /// changes stock silently, this is what a merchant's edit looks like to an app.
    pub fn set_stock_by_sku(
        &self,
        store_hash: &str,
        sku: &str,
        location_id: u64,
        quantity: i64,
    ) -> Result<(), StockError> {
        if !(0..=i64::from(i32::MAX)).contains(&quantity) {
            return Err(StockError::Invalid(format!(
                "quantity must be between 0 and {}",
                i32::MAX
            )));
        }
        let event = self
            .with_store(store_hash, |store| {
                if !store.locations.contains_key(&location_id) {
                    return Err(StockError::Invalid(format!(
                        "location {location_id} does not exist"
                    )));
                }
                let item = ItemRef::Sku(sku.to_owned());
                let key = inventory::resolve(&store.catalog, &item).map_err(|e| match e {
                    Unresolved::Unknown => {
                        StockError::Invalid(format!("no product or variant has SKU {sku:?}"))
                    }
                    Unresolved::Tracking(why) => StockError::Invalid(why),
                })?;
                store.inventory.set_level(location_id, key, quantity);
                Ok(inventory::stock_event(
                    &store.catalog,
                    key,
                    StockChange::Set(quantity),
                ))
            })
            .ok_or_else(|| StockError::UnknownStore(store_hash.to_owned()))??;
        self.emit(store_hash, event.into_iter().collect());
        Ok(())
    }
}
