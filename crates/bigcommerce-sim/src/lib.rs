//! A stateful BigCommerce REST simulator.
//!
//! It serves the real paths (`{base_url}/stores/{hash}/v2/...` and `/v3/...`) and follows
//! the official specs: status codes, v2 array and v3 problem error bodies, page/limit
//! paging, the per-store rate-limit headers and 429s, token scopes. Tests and
//! `wharf demo` embed it in-process; the `bigcommerce-sim` binary serves it standalone.
//!
//! Every store request passes the gateway (`gateway.rs`) first: stats, store lookup,
//! token, quota, scope, injected faults. Resource modules then read and change one
//! `Store` (`store.rs`), which holds all of a store's state behind its own mutex.
//!
//! Changes that BigCommerce announces by webhook (orders placed or created, status changes,
//! archiving, shipments, stock changes) return `events::Event`s; the simulator hands them to `webhooks::delivery`
//! after the store lock is released, which POSTs them to the subscribed hooks from a
//! background task, with optional duplicate, drop, delay and reorder faults.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use bigcommerce_sim::{SimConfig, Simulator, StoreSpec};
//! let sim = Simulator::new(SimConfig::default());
//! sim.add_store(StoreSpec::sample("abc123"));
//! sim.add_token("abc123", "token", &["store_v2_orders", "store_v2_information_read_only"]);
//! let running = sim.spawn("127.0.0.1:0").await?;
//! println!("{}/stores/abc123/v2/store", running.base_url);
//! # Ok(()) }
//! ```

// The response bodies are big `json!` literals, deeper than the default macro limit.
#![recursion_limit = "256"]

mod auth;
mod catalog;
mod control;
mod dates;
mod errors;
mod events;
mod faults;
mod gateway;
mod inventory;
mod locations;
mod misbehaviour;
mod money;
mod order_statuses;
mod orders;
mod paging;
mod rate_limit;
mod router;
mod seeding;
mod simulator;
mod stats;
mod stock_control;
mod store;
mod store_info;
mod webhooks;
mod wire;

pub use auth::{KNOWN_SCOPES, modify_scopes};
pub use catalog::{
    Availability, CatalogSeed, InventoryTracking, MANY_VARIANTS, MAX_VARIANTS, OptionValue,
    Product, SeededCatalog, Variant,
};
pub use faults::{Faults, Misbehaviour};
pub use money::Money;
pub use orders::{
    LineKind, ShipError, ShipLine, ShipRequest, Shipment, ShipmentItem, ShopperAddress,
    ShopperCoupon, ShopperLine, ShopperOrder,
};
pub use seeding::{SeededStore, StoreSeed};
pub use simulator::{RunningSimulator, SimConfig, Simulator};
pub use stats::{BodyBytes, RequestStats, StoreRequests};
pub use stock_control::StockError;
pub use store::StoreSpec;
pub use webhooks::delivery::{
    ATTEMPT_TIMEOUT, Delivery, DeliveryOutcome, RETRY_SCHEDULE_MINUTES, WebhookFaults,
};
