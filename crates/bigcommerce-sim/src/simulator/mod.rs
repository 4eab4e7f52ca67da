//! The `Simulator` handle: shared state behind an `Arc`, the library API the wharf tests
//! and `wharf demo` embed, and the server spawner.
//!
//! Its methods are grouped by what they act on: orders in `orders`, the catalog and stock in
//! `catalog`, webhook delivery in `webhooks`; this module holds the shared state, store access,
//! tokens, quotas, stats and the server.

mod catalog;
mod orders;
mod webhooks;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, Weak};
use std::time::{Duration, Instant};

use crate::auth::Grant;
use crate::faults::{FaultInjector, Faults};
use crate::rate_limit::{Quota, RateWindow};
use crate::stats::RequestStats;
use crate::store::{Store, StoreSpec};
use crate::webhooks::delivery::Dispatcher;

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

    pub(crate) fn downgrade(&self) -> WeakSimulator {
        WeakSimulator(Arc::downgrade(&self.state))
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
