//! The `Simulator` handle: shared state behind an `Arc`, the library API the wharf tests
//! and `wharf demo` embed, and the server spawner.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, Weak};
use std::time::{Duration, Instant};

use crate::auth::Grant;
use crate::catalog::{CatalogSeed, Product, SeededCatalog};
use crate::events::Event;
use crate::faults::{FaultInjector, Faults};
use crate::inventory::ItemRef;
use crate::orders::{PlaceError, ShopperOrder};
use crate::rate_limit::{Quota, RateWindow};
use crate::stats::RequestStats;
use crate::store::{Store, StoreSpec};
use crate::webhooks::delivery::{self, Delivery, Dispatcher, Job, WebhookFaults};

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
    /// Accept `http://` webhook destinations on any port (CLI `--allow-http-webhooks`),
    /// so tests can register a receiver on `http://127.0.0.1:PORT`. Off by default:
    /// BigCommerce accepts only HTTPS on port 443 (facts §8) and so does the simulator.
    pub allow_insecure_webhook_destinations: bool,
    /// How long one *minute* of BigCommerce's webhook retry schedule
    /// ([`crate::RETRY_SCHEDULE_MINUTES`]: 1, 3, 5, ... 1440 minutes, about 48 hours in
    /// all) lasts here. Default 1 s, i.e. 60 times faster (about 48 minutes until a
    /// failing hook is deactivated); tests use a millisecond or so. CLI
    /// `--webhook-retry-minute-ms`; change at runtime with
    /// [`Simulator::set_webhook_retry_minute`].
    pub webhook_retry_minute: Duration,
}

impl Default for SimConfig {
    /// The Plus/Standard plan quota: 150 requests per 30 s (facts §2); no inline
    /// variant cap; HTTPS-only webhooks retried 60 times faster than BigCommerce.
    fn default() -> Self {
        Self {
            quota: 150,
            window: Duration::from_secs(30),
            inline_variant_cap: None,
            allow_insecure_webhook_destinations: false,
            webhook_retry_minute: Duration::from_secs(1),
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
    allow_insecure_webhooks: bool,
    dispatcher: Dispatcher,
}

/// A handle that does not keep the simulator alive: background webhook delivery holds
/// one, so dropping the last `Simulator` stops it.
#[derive(Clone)]
pub(crate) struct WeakSimulator(Weak<SimState>);

impl WeakSimulator {
    pub fn upgrade(&self) -> Option<Simulator> {
        self.0.upgrade().map(|state| Simulator { state })
    }
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
                allow_insecure_webhooks: config.allow_insecure_webhook_destinations,
                dispatcher: Dispatcher::new(config.webhook_retry_minute),
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
    /// `"store_v2_orders"` or `"store_v2_products_read_only"`. Each token is its own API
    /// account: webhooks it creates are visible only to it, under the client id
    /// [`Simulator::client_id`] derives from it.
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

    /// Deletes a token's API account, as a merchant does in the control panel: requests with
    /// it are answered 401 from then on. False when the store or token was unknown.
    pub fn revoke_token(&self, store_hash: &str, access_token: &str) -> bool {
        self.with_store(store_hash, |store| {
            store.tokens.remove(access_token).is_some()
        })
        .unwrap_or(false)
    }

    /// The client id the simulator gives a token's API account (`client_id` of its
    /// webhooks): the first 31 hex digits of SHA-1(token).
    pub fn client_id(access_token: &str) -> String {
        crate::webhooks::client_id(access_token)
    }

    pub fn set_faults(&self, faults: Faults) {
        lock(&self.state.faults).set(faults);
    }

    /// The most requests that reached `store_hash` in one rate-limit window since the store was
    /// added or the quota last changed (429s included); 0 for an unknown store.
    pub fn busiest_window(&self, store_hash: &str) -> u32 {
        self.store(store_hash)
            .map_or(0, |store| lock(&store).rate.busiest())
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
        let mut stats = lock(&self.state.stats);
        // Responses still held are not history: they are counted down as they are sent.
        *stats = RequestStats {
            held_now: stats.held_now,
            ..RequestStats::default()
        };
    }

    /// Adds `count` orders in Awaiting Fulfillment (ids from 100 up on a fresh store, one
    /// second apart, ending now) and returns their ids. Lines come from the store's
    /// catalog (custom lines when it is empty); the shape (multi-address, custom, digital
    /// and gift-certificate lines) is documented on [`Simulator::seed_order_history`].
    /// Seeding fires no webhooks.
    ///
    /// # Panics
    /// When the store was not added first.
    pub fn seed_orders(&self, store_hash: &str, count: usize) -> Vec<u64> {
        self.expect_store(store_hash, "seed_orders", |store| {
            crate::orders::seed_orders(&mut store.orders, &store.catalog, count, false)
        })
    }

    /// Like [`Simulator::seed_orders`] but with mixed statuses, as a store's history has:
    /// mostly Awaiting Fulfillment, plus Awaiting Shipment, Shipped, Partially Shipped,
    /// Completed, Awaiting Payment, Cancelled and Pending, in a fixed cycle. Deterministic
    /// per order id: 1-4 catalog lines, every 4th order (id % 4 == 3) ships to two
    /// addresses, every 5th has a custom line, every 7th a digital item, every 11th a
    /// gift certificate, every 3rd is a guest's. The CLI's `--seed-orders N` uses it.
    ///
    /// # Panics
    /// When the store was not added first.
    pub fn seed_order_history(&self, store_hash: &str, count: usize) -> Vec<u64> {
        self.expect_store(store_hash, "seed_order_history", |store| {
            crate::orders::seed_orders(&mut store.orders, &store.catalog, count, true)
        })
    }

    /// Places an order as a shopper would at checkout and returns its id. Its catalog
    /// lines take stock from the default location, as a store with
    /// `update_stock_behavior: order_placed` does: the tracked item (the variant, or the
    /// product under product tracking; untracked products keep no stock) drops by the
    /// line's quantity, never below 0; units beyond the stock on hand are counted by
    /// [`Simulator::oversold_units`]. Fires
    /// `store/order/created` and, unless it stays Incomplete (status 0),
    /// `store/order/updated` and `store/order/statusUpdated` (0 → its status).
    ///
    /// # Panics
    /// When the store was not added first or the order is invalid (unknown product or
    /// variant, a product with options but no variant, quantity 0, an address index
    /// out of range, an address with no physical line, an unknown status): all mistakes
    /// in the calling test.
    pub fn place_order(&self, store_hash: &str, order: ShopperOrder) -> u64 {
        match self.try_place_order(store_hash, &order) {
            Some(Ok(id)) => id,
            Some(Err(e)) => panic!("bigcommerce-sim: place_order: {e}"),
            None => panic!(
                "bigcommerce-sim: place_order: unknown store {store_hash:?}; call add_store first"
            ),
        }
    }

    /// `None` for an unknown store.
    pub(crate) fn try_place_order(
        &self,
        store_hash: &str,
        order: &ShopperOrder,
    ) -> Option<Result<u64, PlaceError>> {
        let placed = self.with_store(store_hash, |store| {
            let placed = crate::orders::place(&mut store.orders, &store.catalog, order)?;
            // Stock goes when the order is placed (`update_stock_behavior: order_placed`).
            let lines: Vec<(u64, Option<u64>, u32)> = store
                .orders
                .get(placed.0)
                .map(|o| {
                    o.lines
                        .iter()
                        .filter(|l| l.product_id != 0)
                        .map(|l| (l.product_id, l.variant_id, l.quantity))
                        .collect()
                })
                .unwrap_or_default();
            let taken = store.inventory.take_for_order(&store.catalog, &lines);
            if let Some(order) = store.orders.get_mut(placed.0) {
                order.stock_taken = taken;
            }
            Ok(placed)
        })?;
        Some(placed.map(|(id, events)| {
            self.emit(store_hash, events);
            id
        }))
    }

    /// An order as `GET /v2/orders/{id}?include=consignments.line_items` renders it,
    /// with links pointing at the real API host.
    pub(crate) fn render_order(
        &self,
        store_hash: &str,
        order_id: u64,
    ) -> Option<serde_json::Value> {
        let base = format!("https://api.bigcommerce.com/stores/{store_hash}/v2");
        self.with_store(store_hash, |store| {
            store
                .orders
                .get(order_id)
                .map(|o| crate::orders::render_full(o, &store.order_statuses, &base))
        })
        .flatten()
    }

    /// Changes an order's status as a merchant would in the control panel, firing
    /// `store/order/updated` and `store/order/statusUpdated` when it really changes.
    /// Returns false when there is no such order.
    ///
    /// # Panics
    /// When the store was not added first or `status_id` is not 0..=14.
    pub fn set_order_status(&self, store_hash: &str, order_id: u64, status_id: u8) -> bool {
        assert!(
            crate::order_statuses::is_valid(u64::from(status_id)),
            "bigcommerce-sim: set_order_status: unknown status {status_id}"
        );
        let events = self.expect_store(store_hash, "set_order_status", |store| {
            crate::orders::status::change_status(store, order_id, status_id)
        });
        match events {
            Some(events) => {
                self.emit(store_hash, events);
                true
            }
            None => false,
        }
    }

    /// Archives an order as a merchant would (`is_deleted: true`), firing
    /// `store/order/archived`. Returns false when there is no such order.
    ///
    /// # Panics
    /// When the store was not added first.
    pub fn archive_order(&self, store_hash: &str, order_id: u64) -> bool {
        let events = self.expect_store(store_hash, "archive_order", |store| {
            store.orders.archive(order_id)
        });
        match events {
            Some(events) => {
                self.emit(store_hash, events);
                true
            }
            None => false,
        }
    }

    /// An order's shipments in id order, as `GET /v2/orders/{id}/shipments` lists them;
    /// empty when there is no such order or it has none.
    ///
    /// # Panics
    /// When the store was not added first.
    pub fn shipments(&self, store_hash: &str, order_id: u64) -> Vec<crate::Shipment> {
        self.expect_store(store_hash, "shipments", |store| {
            store
                .orders
                .get(order_id)
                .map(|o| o.shipments.clone())
                .unwrap_or_default()
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

    /// Sets a variant's stock at a location as a merchant editing it by hand would (no
    /// webhook, no transaction). Returns false, changing nothing, when the variant is not
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

    /// Hands events a change fired to webhook delivery: one job per event and active
    /// hook subscribed to its scope. Call it after releasing the store lock; it never
    /// waits for a receiver.
    pub(crate) fn emit(&self, hash: &str, events: Vec<Event>) {
        if events.is_empty() {
            return;
        }
        let created_at = crate::dates::now().as_second();
        let due = tokio::time::Instant::now();
        let jobs = self
            .with_store(hash, |store| {
                let mut jobs = Vec::new();
                for event in &events {
                    let payload = delivery::payload(store, event, created_at);
                    for hook in store.hooks.subscribed(event.scope) {
                        jobs.push(Job {
                            store_hash: hash.to_owned(),
                            hook_id: hook.id,
                            destination: hook.destination.clone(),
                            headers: hook.headers.clone().unwrap_or_default(),
                            payload: payload.clone(),
                            duplicate: false,
                            due,
                        });
                    }
                }
                jobs
            })
            .unwrap_or_default();
        self.state.dispatcher.dispatch(&self.downgrade(), jobs);
    }

    /// Sets the webhook delivery faults, effective for events fired from now on;
    /// `WebhookFaults::default()` turns them off (releasing any held deliveries).
    pub fn set_webhook_faults(&self, faults: WebhookFaults) {
        self.state.dispatcher.set_faults(&self.downgrade(), faults);
    }

    /// Releases deliveries held by the reorder fault now, shuffled.
    pub fn flush_webhooks(&self) {
        self.state.dispatcher.flush(&self.downgrade());
    }

    /// Every webhook delivery attempt for a store so far, in the order they finished
    /// (dropped deliveries when they were dropped). Empty for an unknown store.
    pub fn deliveries(&self, store_hash: &str) -> Vec<Delivery> {
        self.state.dispatcher.deliveries(store_hash)
    }

    /// See [`SimConfig::webhook_retry_minute`]; applies to retries scheduled from now on.
    pub fn set_webhook_retry_minute(&self, minute: Duration) {
        self.state.dispatcher.set_retry_minute(minute);
    }

    pub(crate) fn allow_insecure_webhooks(&self) -> bool {
        self.state.allow_insecure_webhooks
    }

    pub(crate) fn dispatcher(&self) -> &Dispatcher {
        &self.state.dispatcher
    }

    pub(crate) fn downgrade(&self) -> WeakSimulator {
        WeakSimulator(Arc::downgrade(&self.state))
    }

    /// After a hook's retries are exhausted.
    pub(crate) fn deactivate_hook(&self, hash: &str, hook_id: u64) {
        let now = crate::dates::now().as_second();
        self.with_store(hash, |store| store.hooks.deactivate(hook_id, now));
    }

    /// Whether a retry should still go out: the hook exists and is active.
    pub(crate) fn hook_is_active(&self, hash: &str, hook_id: u64) -> bool {
        self.with_store(hash, |store| store.hooks.subscribed_by_id(hook_id))
            .unwrap_or(false)
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
