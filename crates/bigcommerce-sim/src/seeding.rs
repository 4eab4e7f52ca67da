//! Filling a store at start-up or over `POST /__sim/stores`: the same options either way, so
//! a test or demo can set up a merchant and vendors that hold the same SKUs.

use serde::Deserialize;

use crate::Simulator;
use crate::catalog::{CatalogSeed, MAX_VARIANTS};

/// What to put into a new store. `Default` puts nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreSeed {
    /// Products of the deterministic catalog (see [`CatalogSeed`]).
    pub seed_products: usize,
    /// Variants of an ordinary seeded product [default: 3].
    #[serde(default = "default_variants")]
    pub variants_per_product: usize,
    /// Orders with a store's mixed history (see [`Simulator::seed_order_history`]).
    pub seed_orders: usize,
    /// Added to every product and variant id (names and SKUs stay those of an unshifted
    /// seed): two stores seeded alike, one with an offset, sell the same SKUs under
    /// different ids.
    pub id_offset: u64,
}

fn default_variants() -> usize {
    3
}

impl StoreSeed {
    /// Why the options cannot be used, in words naming the option.
    pub fn check(&self) -> Result<(), String> {
        if self.variants_per_product > MAX_VARIANTS {
            return Err(format!(
                "variants_per_product must be at most {MAX_VARIANTS}"
            ));
        }
        if self.id_offset > 1_000_000_000_000 {
            return Err("id_offset must be at most 1000000000000".into());
        }
        Ok(())
    }
}

/// What seeding added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeededStore {
    pub product_ids: Vec<u64>,
    pub variant_count: usize,
    pub order_ids: Vec<u64>,
}

impl Simulator {
    /// Seeds a store that holds no products yet: the id offset first, then the catalog, then
    /// the orders (from that catalog).
    ///
    /// # Panics
    /// When the store was not added first, the options fail [`StoreSeed::check`], or an id
    /// offset is asked for a store that already holds products: mistakes of the caller.
    pub fn seed_store(&self, store_hash: &str, seed: &StoreSeed) -> SeededStore {
        if let Err(e) = seed.check() {
            panic!("bigcommerce-sim: seed_store: {e}");
        }
        if seed.id_offset > 0 {
            let moved = self.expect_store(store_hash, "seed_store", |store| {
                store.catalog.offset_ids(seed.id_offset)
            });
            assert!(
                moved,
                "bigcommerce-sim: seed_store: id_offset needs a store without products"
            );
        }
        let mut out = SeededStore::default();
        if seed.seed_products > 0 {
            let catalog = self.seed_catalog(
                store_hash,
                CatalogSeed {
                    products: seed.seed_products,
                    variants_per_product: seed.variants_per_product,
                },
            );
            out.product_ids = catalog.product_ids;
            out.variant_count = catalog.variant_count;
        }
        if seed.seed_orders > 0 {
            out.order_ids = self.seed_order_history(store_hash, seed.seed_orders);
        }
        out
    }
}
