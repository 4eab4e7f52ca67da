//! The `Simulator` handle: shared state behind an `Arc`, the library API the wharf tests
//! and `wharf demo` embed, and the server spawner.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::{Duration, Instant};

use crate::auth::Grant;
use crate::catalog::{CatalogSeed, Product, SeededCatalog};
use crate::faults::{FaultInjector, Faults};
use crate::rate_limit::{Quota, RateWindow};
use crate::stats::RequestStats;
use crate::store::{Store, StoreSpec};

/// Simulator-wide settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimConfig {
    /// Requests per window per store.
    pub quota: u32,
    pub window: Duration,
    /// A **simulated degradation, off (`None`) by default**: when set, a product with
    /// more than this many variants is rendered *without* a `variants` key by
    /// `include=variants` on `GET /v3/catalog/products` and
    /// `GET /v3/catalog/products/{id}` (products with at most this many still embed all
    /// of theirs). `/v3/catalog/products/{id}/variants` and `/v3/catalog/variants`
    /// still return every variant. Change it at runtime with
    /// [`Simulator::set_inline_variant_cap`]; the CLI flag is `--inline-variant-cap N`.
    ///
    /// Off by default because BigCommerce documents no such cap, and BigCommerce staff
    /// said in bigcommerce/docs PR #729 (January 2025) that "at the moment we don't have
    /// limitations on amount of variants returned". It exists so a client can prove its
    /// fallback path in case that changes. The key is left out rather than truncated so
    /// "not inlined" is unambiguous: every BigCommerce product has at least one variant
    /// (its base variant), so a missing or empty `variants` array never means "complete".
    pub inline_variant_cap: Option<usize>,
}

impl Default for SimConfig {
    /// The Plus/Standard plan quota: 150 requests per 30 s (facts §2); no inline
    /// variant cap.
    fn default() -> Self {
        Self {
            quota: 150,
            window: Duration::from_secs(30),
            inline_variant_cap: None,
        }
    }
}

/// A stateful BigCommerce. Cheap to clone; clones share state.
#[derive(Clone)]
pub struct Simulator {
    state: Arc<SimState>,
}

struct SimState {
    stores: RwLock<HashMap<String, Arc<Mutex<Store>>>>,
    quota: Mutex<Quota>,
    faults: Mutex<FaultInjector>,
    stats: Mutex<RequestStats>,
    inline_variant_cap: Mutex<Option<usize>>,
}

/// A panic in one handler must not brick the simulator for every later test request.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Simulator {
    pub fn new(config: SimConfig) -> Self {
        Self {
            state: Arc::new(SimState {
                stores: RwLock::new(HashMap::new()),
                quota: Mutex::new(Quota {
                    requests: config.quota,
                    window: config.window,
                }),
                faults: Mutex::new(FaultInjector::new()),
                stats: Mutex::new(RequestStats::default()),
                inline_variant_cap: Mutex::new(config.inline_variant_cap),
            }),
        }
    }

    /// Adds a store with the default location, the 15 order statuses and nothing else.
    /// Adding a hash that exists replaces its spec and keeps its data and tokens.
    pub fn add_store(&self, spec: StoreSpec) {
        self.upsert_store(spec);
    }

    /// Returns true when the store is new.
    pub(crate) fn upsert_store(&self, spec: StoreSpec) -> bool {
        let mut stores = self
            .state
            .stores
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(existing) = stores.get(&spec.hash) {
            lock(existing).spec = spec;
            return false;
        }
        stores.insert(spec.hash.clone(), Arc::new(Mutex::new(Store::new(spec))));
        true
    }

    /// Issues a store-level API token with BigCommerce scope names, e.g.
    /// `"store_v2_orders"` or `"store_v2_products_read_only"`.
    ///
    /// # Panics
    /// When the store was not added first or a scope is not in [`crate::KNOWN_SCOPES`]:
    /// both are mistakes in the calling test, better loud than a 401/403 later.
    pub fn add_token(&self, store_hash: &str, access_token: &str, scopes: &[&str]) {
        if let Err(e) = self.try_add_token(store_hash, access_token, scopes) {
            panic!("bigcommerce-sim: add_token: {e}");
        }
    }

    pub(crate) fn try_add_token<S: AsRef<str>>(
        &self,
        store_hash: &str,
        access_token: &str,
        scopes: &[S],
    ) -> Result<(), TokenError> {
        let grant = Grant::parse(scopes).map_err(TokenError::UnknownScope)?;
        self.with_store(store_hash, |store| {
            store.tokens.insert(access_token.to_owned(), grant);
        })
        .ok_or_else(|| TokenError::UnknownStore(store_hash.to_owned()))
    }

    pub fn set_faults(&self, faults: Faults) {
        lock(&self.state.faults).set(faults);
    }

    /// Changes every store's quota and starts a fresh window for each.
    pub fn set_quota(&self, quota: u32, window: Duration) {
        *lock(&self.state.quota) = Quota {
            requests: quota,
            window,
        };
        let now = Instant::now();
        for store in self
            .state
            .stores
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
        {
            lock(store).rate = RateWindow::new(now);
        }
    }

    /// Sets or clears (`None`, the default) the simulated inline-variant cap for every
    /// store, effective from the next request; see [`SimConfig::inline_variant_cap`].
    pub fn set_inline_variant_cap(&self, cap: Option<usize>) {
        *lock(&self.state.inline_variant_cap) = cap;
    }

    pub(crate) fn inline_variant_cap(&self) -> Option<usize> {
        *lock(&self.state.inline_variant_cap)
    }

    pub fn request_stats(&self) -> RequestStats {
        lock(&self.state.stats).clone()
    }

    pub fn reset_stats(&self) {
        *lock(&self.state.stats) = RequestStats::default();
    }

    /// Adds `count` orders in Awaiting Fulfillment (ids from 100 up, one second apart,
    /// ending now) and returns their ids. Foundation seeding: orders carry totals and a
    /// billing address but no line items yet.
    ///
    /// # Panics
    /// When the store was not added first.
    pub fn seed_orders(&self, store_hash: &str, count: usize) -> Vec<u64> {
        self.expect_store(store_hash, "seed_orders", |store| {
            store.orders.seed(count, "USD")
        })
    }

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

    pub(crate) fn store(&self, hash: &str) -> Option<Arc<Mutex<Store>>> {
        self.state
            .stores
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(hash)
            .cloned()
    }

    /// Runs `f` with the store locked. `None` when the hash is unknown.
    pub(crate) fn with_store<R>(&self, hash: &str, f: impl FnOnce(&mut Store) -> R) -> Option<R> {
        let store = self.store(hash)?;
        let mut guard = lock(&store);
        Some(f(&mut guard))
    }

    /// Like `with_store`, for library callers: an unknown hash is their bug.
    pub(crate) fn expect_store<R>(
        &self,
        hash: &str,
        what: &str,
        f: impl FnOnce(&mut Store) -> R,
    ) -> R {
        self.with_store(hash, f).unwrap_or_else(|| {
            panic!("bigcommerce-sim: {what}: unknown store {hash:?}; call add_store first")
        })
    }

    pub(crate) fn quota(&self) -> Quota {
        *lock(&self.state.quota)
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, FaultInjector> {
        lock(&self.state.faults)
    }

    pub(crate) fn stats(&self) -> MutexGuard<'_, RequestStats> {
        lock(&self.state.stats)
    }

    /// The axum router serving `/stores/{hash}/...` and `/__sim/...`.
    pub fn router(&self) -> axum::Router {
        crate::router::build(self.clone())
    }

    /// Binds `addr` (e.g. `"127.0.0.1:0"`) and serves in a background task that stops
    /// when the returned handle is dropped.
    pub async fn spawn(self, addr: &str) -> std::io::Result<RunningSimulator> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        let router = self.router();
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                tracing::error!(error = %e, "bigcommerce-sim server stopped");
            }
        });
        Ok(RunningSimulator {
            base_url: format!("http://{local}"),
            simulator: self,
            task,
        })
    }
}

#[derive(Debug)]
pub(crate) enum TokenError {
    UnknownStore(String),
    UnknownScope(String),
}

impl std::fmt::Display for TokenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TokenError::UnknownStore(hash) => {
                write!(f, "unknown store {hash:?}; add the store first")
            }
            TokenError::UnknownScope(scope) => {
                write!(
                    f,
                    "unknown scope {scope:?}; use one of {}",
                    crate::KNOWN_SCOPES.join(", ")
                )
            }
        }
    }
}

/// A simulator serving on a local port. Dropping it stops the server.
pub struct RunningSimulator {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub base_url: String,
    pub simulator: Simulator,
    task: tokio::task::JoinHandle<()>,
}

impl RunningSimulator {
    /// The API root of one store, as a client would configure it:
    /// `{base_url}/stores/{hash}` (append `/v2/...` or `/v3/...`).
    pub fn store_url(&self, store_hash: &str) -> String {
        format!("{}/stores/{store_hash}", self.base_url)
    }
}

impl Drop for RunningSimulator {
    fn drop(&mut self) {
        self.task.abort();
    }
}
