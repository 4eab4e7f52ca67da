//! The fleet's simulator: one process serving every store, each seeded with the same catalog
//! and held to its own quota, as BigCommerce holds each store. Beside the simulator's routes it
//! answers two questions of the benchmark's, outside the stores' paths (so neither counted nor
//! charged to any quota): the levels of some variants, and each store's busiest quota window.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use bigcommerce_sim::{CatalogSeed, SimConfig, Simulator, StoreSpec};
use serde_json::{Value, json};
use wharf::demo::WHARF_SCOPES;

use crate::harness::{SimProcess, spawn_simulator};

/// Every store's API token (stores are told apart by their hash).
pub(crate) const TOKEN: &str = "fleet-token";
/// Where the vendor's levels are published: the default location.
const LOCATION_ID: u64 = 1;

/// The hash of the store at `index` (0-based): `fleet01`, `fleet02`, …
pub(crate) fn store_hash(index: usize) -> String {
    format!("fleet{:02}", index + 1)
}

/// What the simulator process is started with.
#[derive(Clone, Copy)]
pub(crate) struct FleetSeed {
    pub(crate) stores: usize,
    pub(crate) products: usize,
    pub(crate) variants_per_product: usize,
    /// Requests per window per store.
    pub(crate) quota: u32,
    pub(crate) window_ms: u64,
}

/// Starts the simulator child process with `seed` (this binary's `fleet-simulator`).
pub(crate) fn start_fleet_simulator(seed: FleetSeed) -> anyhow::Result<SimProcess> {
    let args: Vec<String> = [
        "fleet-simulator",
        "--stores",
        &seed.stores.to_string(),
        "--products",
        &seed.products.to_string(),
        "--variants-per-product",
        &seed.variants_per_product.to_string(),
        "--quota",
        &seed.quota.to_string(),
        "--window-ms",
        &seed.window_ms.to_string(),
    ]
    .map(str::to_owned)
    .into();
    spawn_simulator(&args)
}

/// The `fleet-simulator` subcommand: seeds the stores, prints its URL and the variants seeded,
/// and serves until the parent closes its stdin.
pub(crate) async fn serve_fleet_simulator(seed: FleetSeed) -> anyhow::Result<()> {
    let simulator = Simulator::new(SimConfig {
        quota: seed.quota,
        window: Duration::from_millis(seed.window_ms),
        // Webhooks go to wharf on 127.0.0.1.
        allow_insecure_webhook_destinations: true,
        ..SimConfig::default()
    });
    let hashes: Vec<String> = (0..seed.stores).map(store_hash).collect();
    let mut variants = 0;
    for hash in &hashes {
        simulator.add_store(StoreSpec::sample(hash));
        simulator.add_token(hash, TOKEN, WHARF_SCOPES);
        let catalog = CatalogSeed {
            products: seed.products,
            variants_per_product: seed.variants_per_product,
        };
        variants += simulator.seed_catalog(hash, catalog).variant_count;
    }
    let questions = Router::new()
        .route("/__fleet/levels", post(levels))
        .route("/__fleet/busiest-windows", get(busiest_windows))
        .with_state((simulator.clone(), hashes));
    let router = simulator.router().merge(questions);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("http://{} {variants}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, router).await });
    tokio::task::spawn_blocking(|| std::io::stdin().lines().count()).await?;
    Ok(())
}

type FleetState = (Simulator, Vec<String>);

/// `{"fleet01": [variant id, …], …}` → `{"fleet01": {"id": level or null, …}, …}`: the
/// levels at the default location, read in one request for every store.
async fn levels(
    State((simulator, hashes)): State<FleetState>,
    Json(asked): Json<BTreeMap<String, Vec<u64>>>,
) -> Json<Value> {
    let mut answer = serde_json::Map::new();
    for (hash, variant_ids) in asked {
        // Only the fleet's stores: the simulator panics on a store it does not hold.
        if hashes.contains(&hash) {
            let levels: serde_json::Map<String, Value> = variant_ids
                .iter()
                .map(|&id| {
                    let level = simulator.variant_level(&hash, LOCATION_ID, id);
                    (id.to_string(), json!(level))
                })
                .collect();
            answer.insert(hash, Value::Object(levels));
        }
    }
    Json(Value::Object(answer))
}

/// `{"fleet01": N, …}`: the most requests that reached each store in one quota window since
/// the quota was last set (refused ones included).
async fn busiest_windows(State((simulator, hashes)): State<FleetState>) -> Json<Value> {
    Json(json!(
        hashes
            .iter()
            .map(|hash| (hash.clone(), simulator.busiest_window(hash)))
            .collect::<BTreeMap<_, _>>()
    ))
}
