//! The catalog and stock side of the library API: seeding products, reading and editing them
//! as a merchant would, and reading or setting inventory levels silently for test set-up.

use super::Simulator;
use crate::catalog::{CatalogSeed, Product, SeededCatalog};
use crate::inventory::ItemRef;

impl Simulator {
    /// Adds `count` simple products ("Sample product N", SKU `SIM-N`, tracked at product
    /// level, no brand; ids from 111 up on a fresh store, base variant ids from 1001 up)
    /// with no stock yet, and returns their ids. For a realistic catalog use
    /// [`Simulator::seed_catalog`].
    ///
    /// # Panics
    /// When the store was not added first.
    pub fn seed_products(&self, store_hash: &str, count: usize) -> Vec<u64> {
        self.expect_store(store_hash, "seed_products", |store| {
            store.catalog.seed_simple(count)
        })
    }

    /// Adds a deterministic, realistic catalog: brands, products with variants, stock at
    /// the default location, and a few duplicate and blank SKUs. The shape (which
    /// positions are simple, have many variants or bad SKUs) is documented on
    /// [`CatalogSeed`] and reported in the returned [`SeededCatalog`].
    ///
    /// # Panics
    /// When the store was not added first.
    pub fn seed_catalog(&self, store_hash: &str, seed: CatalogSeed) -> SeededCatalog {
        self.expect_store(store_hash, "seed_catalog", |store| {
            crate::catalog::seed_catalog(&mut store.catalog, &mut store.inventory, seed)
        })
    }

    /// A copy of one product with its variants, `None` when it does not exist.
    ///
    /// # Panics
    /// When the store was not added first.
    pub fn product(&self, store_hash: &str, product_id: u64) -> Option<Product> {
        self.expect_store(store_hash, "product", |store| {
            store.catalog.product(product_id).cloned()
        })
    }

    /// Changes a product as a merchant would in the control panel: `edit` may change its
    /// public fields and its variants' (not add or remove variants). A simple product's
    /// base variant follows the product's SKU, UPC and GTIN. `date_modified` moves to now
    /// (at least one second past its old value). Returns false when there is no such
    /// product.
    ///
    /// # Panics
    /// When the store was not added first.
    pub fn update_product(
        &self,
        store_hash: &str,
        product_id: u64,
        edit: impl FnOnce(&mut Product),
    ) -> bool {
        self.expect_store(store_hash, "update_product", |store| {
            store.catalog.update(product_id, edit)
        })
    }

    /// Deletes a product, its variants and their stock. Returns false when there was no
    /// such product. Ids are never reused.
    ///
    /// # Panics
    /// When the store was not added first.
    pub fn delete_product(&self, store_hash: &str, product_id: u64) -> bool {
        self.expect_store(store_hash, "delete_product", |store| {
            match store.catalog.delete(product_id) {
                Some(variants) => {
                    store.inventory.forget(&variants);
                    true
                }
                None => false,
            }
        })
    }

    /// The level of a variant's inventory item at a location: `None` when the variant is
    /// not an item of its own (unknown, its product is untracked, or tracked by product
    /// and it is not a simple product's base variant) or the item was never given a level.
    ///
    /// # Panics
    /// When the store was not added first.
    pub fn variant_level(
        &self,
        store_hash: &str,
        location_id: u64,
        variant_id: u64,
    ) -> Option<i64> {
        self.item_level(
            store_hash,
            location_id,
            &ItemRef::Variant(variant_id),
            "variant_level",
        )
    }

    /// The level of a product's inventory item at a location: `None` when the product is
    /// not an item (unknown, untracked, or tracked by variant with options) or the item
    /// was never given a level. For a simple product it is its base variant's level.
    ///
    /// # Panics
    /// When the store was not added first.
    pub fn product_level(
        &self,
        store_hash: &str,
        location_id: u64,
        product_id: u64,
    ) -> Option<i64> {
        self.item_level(
            store_hash,
            location_id,
            &ItemRef::Product(product_id),
            "product_level",
        )
    }

    fn item_level(&self, hash: &str, location_id: u64, item: &ItemRef, what: &str) -> Option<i64> {
        self.expect_store(hash, what, |store| {
            let variant = crate::inventory::resolve(&store.catalog, item).ok()?;
            store.inventory.level(location_id, variant)
        })
    }

    /// Sets a variant's stock at a location silently: no webhook, no transaction (for test
    /// set-up; [`Simulator::set_stock_by_sku`] fires the webhook a merchant's edit fires).
    /// Returns false, changing nothing, when the variant is not
    /// an inventory item of its own (see [`Simulator::variant_level`]) or the location
    /// does not exist.
    ///
    /// # Panics
    /// When the store was not added first.
    pub fn set_variant_level(
        &self,
        store_hash: &str,
        location_id: u64,
        variant_id: u64,
        quantity: i64,
    ) -> bool {
        let item = ItemRef::Variant(variant_id);
        self.set_item_level(
            store_hash,
            location_id,
            &item,
            quantity,
            "set_variant_level",
        )
    }

    /// Like [`Simulator::set_variant_level`] for a product's item (product tracking, or a
    /// simple product).
    ///
    /// # Panics
    /// When the store was not added first.
    pub fn set_product_level(
        &self,
        store_hash: &str,
        location_id: u64,
        product_id: u64,
        quantity: i64,
    ) -> bool {
        let item = ItemRef::Product(product_id);
        self.set_item_level(
            store_hash,
            location_id,
            &item,
            quantity,
            "set_product_level",
        )
    }

    fn set_item_level(
        &self,
        hash: &str,
        location_id: u64,
        item: &ItemRef,
        quantity: i64,
        what: &str,
    ) -> bool {
        self.expect_store(hash, what, |store| {
            if !store.locations.contains_key(&location_id) {
                return false;
            }
            match crate::inventory::resolve(&store.catalog, item) {
                Ok(variant) => {
                    store.inventory.set_level(location_id, variant, quantity);
                    true
                }
                Err(_) => false,
            }
        })
    }

    /// Units ordered through [`Simulator::place_order`] beyond the stock on hand, since
    /// the store was added: 0 proves nothing was oversold.
    ///
    /// # Panics
    /// When the store was not added first.
    pub fn oversold_units(&self, store_hash: &str) -> u64 {
        self.expect_store(store_hash, "oversold_units", |store| {
            store.inventory.oversold_units()
        })
    }
}
