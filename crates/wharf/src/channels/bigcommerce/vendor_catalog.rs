//! Reading a vendor's own BigCommerce store: its variants (the sales catalog's read, `catalog.rs`)
//! and what each can sell (`/v3/inventory/items`). Only GETs: wharf never changes a vendor's
//! products or levels. Every walk is bounded (`bigcommerce::PageBound`).

use std::collections::HashMap;

use bigcommerce::{
    BcError, InventoryItem, InventoryItemsQuery, MAX_V3_PAGE_SIZE, PageBound, PageWalk, StoreClient,
};

use super::catalog::CatalogPages;
use crate::domain::catalog::{CatalogProduct, InventoryTracking};
use crate::domain::vendor_match::VendorStoreVariant;

/// Which of the vendor store's stock counts: every location's, or one location's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelReading {
    SummedOverLocations,
    AtLocation(i64),
}

/// Every variant of the vendor's store, with its level per `reading`.
pub async fn read_vendor_variants(
    client: &StoreClient,
    reading: LevelReading,
) -> Result<Vec<VendorStoreVariant>, BcError> {
    let mut products: Vec<CatalogProduct> = Vec::new();
    let mut pages = CatalogPages::open(client, 0, None).await?;
    while let Some(page) = pages.next_page().await? {
        products.extend(page.products);
    }
    let levels = read_levels(client, &[], reading).await?;
    Ok(products
        .into_iter()
        .flat_map(|p| with_levels(p, &levels))
        .collect())
}

/// What each item of the vendor's store can sell: by variant id, and by product id for an item
/// that is a whole product (tracked by product, with options). Only these products' items
/// when `product_ids` is not empty.
pub async fn read_levels(
    client: &StoreClient,
    product_ids: &[u64],
    reading: LevelReading,
) -> Result<ItemLevels, BcError> {
    let mut levels = ItemLevels::default();
    let mut bound = PageBound::new("v3/inventory/items", PageWalk::Numbered);
    let mut page_number = 1;
    loop {
        let query = InventoryItemsQuery {
            page: page_number,
            limit: MAX_V3_PAGE_SIZE,
            product_ids: product_ids.to_vec(),
            location_ids: match reading {
                LevelReading::AtLocation(id) => vec![id as u64],
                LevelReading::SummedOverLocations => Vec::new(),
            },
            ..InventoryItemsQuery::default()
        };
        let page = client.inventory_items_page(&query).await?;
        let more = bound.after_v3_page(&page, MAX_V3_PAGE_SIZE, row_id)?;
        for item in &page.data {
            levels.add(item, reading);
        }
        if !more || page.data.is_empty() {
            return Ok(levels);
        }
        page_number += 1;
    }
}

fn row_id(item: &InventoryItem) -> u64 {
    item.identity
        .variant_id
        .or(item.identity.product_id)
        .unwrap_or_default()
}

/// Levels of the vendor store's inventory items.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemLevels {
    by_variant: HashMap<i64, i64>,
    /// Items no variant names: a product with options tracked as a whole.
    by_product: HashMap<i64, i64>,
}

impl ItemLevels {
    fn add(&mut self, item: &InventoryItem, reading: LevelReading) {
        // What a location can sell, never below 0 (safety stock can make it negative); a
        // disabled location sells nothing.
        let level: i64 = item
            .locations
            .iter()
            .filter(|l| l.location_enabled)
            .filter(|l| match reading {
                LevelReading::AtLocation(id) => l.location_id as i64 == id,
                LevelReading::SummedOverLocations => true,
            })
            .map(|l| l.available_to_sell.max(0))
            .sum();
        match (item.identity.variant_id, item.identity.product_id) {
            (Some(variant), _) => {
                self.by_variant.insert(variant as i64, level);
            }
            (None, Some(product)) => {
                self.by_product.insert(product as i64, level);
            }
            (None, None) => {}
        }
    }

    /// A variant's level: its own item's, else its product's when the product is the item;
    /// `None` when no item counts it (its stock is not tracked).
    pub fn level_of(&self, product_id: i64, variant_id: i64) -> Option<i64> {
        self.by_variant
            .get(&variant_id)
            .or_else(|| self.by_product.get(&product_id))
            .copied()
    }
}

fn with_levels(product: CatalogProduct, levels: &ItemLevels) -> Vec<VendorStoreVariant> {
    let product_id = product.external_id as i64;
    let tracked = product.inventory_tracking != InventoryTracking::None;
    // A simple product's codes may sit on the product alone; a product with options shares
    // its codes with no variant (each would claim them, and every match be ambiguous).
    let single = product.variants.len() == 1;
    product
        .variants
        .into_iter()
        .map(|v| {
            let variant_id = v.external_id as i64;
            VendorStoreVariant {
                product_id,
                variant_id,
                product_name: product.name.clone(),
                options: v.options,
                sku: v
                    .sku
                    .or_else(|| single.then(|| product.sku.clone()).flatten()),
                upc: v
                    .upc
                    .or_else(|| single.then(|| product.upc.clone()).flatten()),
                gtin: v
                    .gtin
                    .or_else(|| single.then(|| product.gtin.clone()).flatten()),
                purchasable: v.purchasable,
                inventory_level: if tracked {
                    levels.level_of(product_id, variant_id)
                } else {
                    None
                },
            }
        })
        .collect()
}
