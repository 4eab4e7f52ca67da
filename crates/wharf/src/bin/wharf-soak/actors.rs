//! The load's actors: a shopper ordering through the simulator's checkout, two vendors shipping
//! and reporting stock through `App`, and a killer SIGKILLing workers; `Tally` counts what they
//! did.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::Rng;
use rand::seq::IndexedRandom;
use serde_json::{Value, json};
use tokio::sync::watch;
use wharf::app::App;
use wharf::domain::shipment::{ShipmentInput, ShipmentLineInput, ShipmentSource};

use crate::faults::{Fault, faults};
use crate::fleet::Fleet;
use crate::setup::{Sellable, Soak, Vendors, set_stock};
use crate::{Cli, STORE_HASH};

#[derive(Default)]
pub(crate) struct Tally {
    pub(crate) orders_placed: AtomicU64,
    pub(crate) orders_refused: AtomicU64,
    pub(crate) shipments_recorded: AtomicU64,
    pub(crate) shipments_refused: AtomicU64,
    pub(crate) stock_updates: AtomicU64,
    /// Kills made while the simulator held the response of an applied write: the worker
    /// died between BigCommerce applying its request and it hearing so.
    pub(crate) kills_mid_write: AtomicU64,
    /// Requests wharf's processes gave up waiting for (counted in their logs at the end).
    pub(crate) client_timeouts: AtomicU64,
    /// Shipments BigCommerce refused, retried by the soak as an operator would (Retry).
    pub(crate) shipments_retried: AtomicU64,
    /// Orders the vendor shipped in its own store (the simulator's ship control).
    pub(crate) vendor_store_ships: AtomicU64,
    /// Purchase orders the vendor's store refused, sent again as an operator would.
    pub(crate) vendor_orders_sent_again: AtomicU64,
    /// The fault phase running now.
    pub(crate) phase: Mutex<Option<Fault>>,
    /// The simulator's answer to the first order it refused, to say why.
    pub(crate) first_refusal: Mutex<Option<String>>,
    pub(crate) faults: Mutex<BTreeMap<&'static str, u64>>,
}

impl Tally {
    pub(crate) fn fault(&self, name: &'static str) {
        *self
            .faults
            .lock()
            .expect("tally lock")
            .entry(name)
            .or_default() += 1;
    }
}

fn random_order(sellable: &[Sellable]) -> Value {
    let mut rng = rand::rng();
    let two_addresses = rng.random_ratio(1, 4);
    // The simulator refuses an address no physical line ships to: two addresses, two lines.
    let fewest = if two_addresses { 2 } else { 1 };
    let lines: Vec<Value> = (0..rng.random_range(fewest..=3))
        .filter_map(|i| {
            let (product, variant) = sellable.choose(&mut rng)?;
            let address = if two_addresses { i % 2 } else { 0 };
            Some(json!({ "product_id": product, "variant_id": variant,
                         "quantity": rng.random_range(1..=2), "address": address }))
        })
        .collect();
    let addresses: Vec<Value> = (0..if two_addresses { 2 } else { 1 })
        .map(|n| {
            json!({ "first_name": format!("Soak{n}"), "last_name": "Shopper",
                    "street_1": format!("{} Main St", rng.random_range(1..999)),
                    "city": "Austin", "state": "Texas", "zip": "78701",
                    "country": "United States", "country_iso2": "US" })
        })
        .collect();
    json!({ "lines": lines, "addresses": addresses })
}

/// Places orders at `rate` per second through the simulator's checkout, until stopped.
async fn shopper(
    http: reqwest::Client,
    sim_url: String,
    sellable: Vec<Sellable>,
    rate: f64,
    tally: Arc<Tally>,
    mut stop: watch::Receiver<bool>,
) {
    let gap = Duration::from_secs_f64(1.0 / rate.max(0.01));
    loop {
        tokio::select! {
            _ = tokio::time::sleep(gap) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        let sent = http
            .post(format!("{sim_url}/__sim/stores/{STORE_HASH}/orders"))
            .json(&random_order(&sellable))
            .send()
            .await;
        match sent {
            Ok(r) if r.status().is_success() => {
                tally.orders_placed.fetch_add(1, Ordering::Relaxed);
            }
            other => {
                tally.orders_refused.fetch_add(1, Ordering::Relaxed);
                let why = match other {
                    Ok(r) => r.text().await.unwrap_or_default(),
                    Err(e) => e.to_string(),
                };
                tally
                    .first_refusal
                    .lock()
                    .expect("tally lock")
                    .get_or_insert(why);
            }
        }
    }
}

/// Every ~2 s each vendor ships up to three open purchase orders (sometimes only part of a
/// line, so orders get several shipments) and reports new stock for 20 SKUs.
async fn vendors(
    app: App,
    vendors: Arc<Vendors>,
    tally: Arc<Tally>,
    mut stop: watch::Receiver<bool>,
) {
    let mut sequence = 0u64;
    loop {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(2)) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        for (vendor_id, _) in &vendors.ids {
            if let Err(e) = ship_some(&app, *vendor_id, &mut sequence, &tally).await {
                tracing::debug!(error = %e, "soak vendor could not list its purchase orders");
            }
            match report_stock(&app, *vendor_id, &vendors.skus).await {
                Ok(()) => tally.stock_updates.fetch_add(1, Ordering::Relaxed),
                Err(_) => 0,
            };
        }
    }
}

async fn ship_some(
    app: &App,
    vendor_id: i64,
    sequence: &mut u64,
    tally: &Tally,
) -> anyhow::Result<()> {
    let open = app.every_vendor_purchase_order(vendor_id, true).await?;
    let unshipped = open
        .iter()
        .filter(|po| po.lines.iter().any(|l| l.quantity_shipped < l.quantity));
    for po in unshipped.take(3) {
        *sequence += 1;
        let partial = rand::rng().random_ratio(1, 4);
        let lines: Vec<ShipmentLineInput> = po
            .lines
            .iter()
            .filter(|l| l.quantity_shipped < l.quantity && l.address_id.is_some())
            .map(|l| ShipmentLineInput {
                line_id: Some(l.order_line_id),
                sku: None,
                quantity: if partial {
                    1
                } else {
                    l.quantity - l.quantity_shipped
                },
            })
            .collect();
        if lines.is_empty() {
            continue;
        }
        let input = ShipmentInput {
            tracking_number: format!("SOAK{sequence:07}"),
            carrier: "UPS".into(),
            tracking_url: None,
            shipping_method: None,
            lines,
        };
        let recorded = app
            .record_shipment(po.id, Some(vendor_id), ShipmentSource::VendorApi, &input)
            .await;
        let counter = match recorded {
            Ok(_) => &tally.shipments_recorded,
            Err(_) => &tally.shipments_refused,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}

async fn report_stock(app: &App, vendor_id: i64, skus: &[String]) -> anyhow::Result<()> {
    let levels: Vec<(String, i64)> = {
        let mut rng = rand::rng();
        skus.choose_multiple(&mut rng, 20)
            .map(|s| (s.clone(), rng.random_range(0..=40)))
            .collect()
    };
    set_stock(app, vendor_id, &levels).await
}

/// SIGKILLs a random worker at random moments, `kills` times spread over `duration`. While
/// the simulator holds the responses of applied writes, each kill waits (up to a second) for
/// a write to be held, so it lands between BigCommerce applying a request and wharf hearing
/// of it: the moment a duplicate would be born.
async fn killer(
    soak: &Soak,
    fleet: &Fleet,
    tally: &Tally,
    kills: usize,
    duration: Duration,
) -> anyhow::Result<()> {
    let mean = duration.as_secs_f64() / kills.max(1) as f64;
    let started = Instant::now();
    while (fleet.kills.load(Ordering::Relaxed) as usize) < kills {
        // Jittered around the mean gap but never later than the schedule needs.
        let gap = mean * rand::rng().random_range(0.3..1.4);
        tokio::time::sleep(Duration::from_secs_f64(gap)).await;
        // Not in the timeout phase: a worker killed mid-request never gets to time out.
        let holding = *tally.phase.lock().expect("tally lock") == Some(Fault::HeldResponses);
        let mid_write = if holding {
            wait_for_held_write(soak, Duration::from_secs(1)).await?
        } else {
            held_writes(soak).await? > 0
        };
        let done = fleet.kills.load(Ordering::Relaxed) as f64;
        let behind = started.elapsed().as_secs_f64() > (done + 1.0) * mean;
        fleet.kill_one()?;
        if mid_write {
            tally.kills_mid_write.fetch_add(1, Ordering::Relaxed);
        }
        if behind {
            fleet.kill_one()?;
        }
    }
    Ok(())
}

/// Applied writes whose response the simulator is holding back right now.
async fn held_writes(soak: &Soak) -> anyhow::Result<u64> {
    let stats = soak.sim_stats().await?;
    Ok(stats["held_now"].as_u64().unwrap_or(0))
}

/// Waits until a write is held, or `limit` passes; true when one is.
async fn wait_for_held_write(soak: &Soak, limit: Duration) -> anyhow::Result<bool> {
    let deadline = Instant::now() + limit;
    loop {
        if held_writes(soak).await? > 0 {
            return Ok(true);
        }
        if Instant::now() > deadline {
            return Ok(false);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// The load: shopper, vendors, faults and killer, for the duration.
pub(crate) async fn run_actors(
    soak: &Soak,
    fleet: &Fleet,
    cli: &Cli,
    sellable: Vec<Sellable>,
    vendor_set: Arc<Vendors>,
    tally: Arc<Tally>,
) -> anyhow::Result<()> {
    let duration = Duration::from_secs_f64(cli.minutes * 60.0);
    let (stop, stopped) = watch::channel(false);
    let shopping = tokio::spawn(shopper(
        soak.http.clone(),
        soak.sim_url.clone(),
        sellable,
        cli.orders_per_second,
        tally.clone(),
        stopped.clone(),
    ));
    let shipping_in_store = tokio::spawn(crate::vendor_store::ship_in_store(
        soak.http.clone(),
        soak.sim_url.clone(),
        soak.app.clone(),
        vendor_set.store_vendor.id,
        tally.clone(),
        stopped.clone(),
    ));
    let shipping = tokio::spawn(vendors(
        soak.app.clone(),
        vendor_set,
        tally.clone(),
        stopped.clone(),
    ));
    let faulting = faults(
        soak,
        &tally,
        Duration::from_secs(cli.phase_secs.max(6)),
        stopped,
    );
    let started = Instant::now();
    let killing = async {
        // The last tenth is left for the killer to catch up if it fell behind.
        let result = killer(soak, fleet, &tally, cli.kills, duration.mul_f64(0.9)).await;
        tokio::time::sleep(duration.saturating_sub(started.elapsed())).await;
        result
    };
    let stopping = async {
        tokio::time::sleep(duration).await;
        let _ = stop.send(true);
    };
    let (faulted, killed, ()) = tokio::join!(faulting, killing, stopping);
    shopping.await?;
    shipping.await?;
    shipping_in_store.await?;
    faulted?;
    killed
}
